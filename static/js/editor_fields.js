// What the editor asks for each kind of question: its settings beside the prompt, named as
// in the kind's spec (server/kinds/<kind>.py). "lines" are a list of labels, one a line;
// an empty number or text leaves the setting out, so that the kind's default applies.

const lines = (name) => ({ name, type: "lines" });
const number = (name, min, max) => ({ name, type: "number", min, max });
const text = (name, max = 80) => ({ name, type: "text", max });
const check = (name) => ({ name, type: "checkbox" });

export const FIELDS = {
  single_choice: [lines("options")],
  multiple_choice: [lines("options"), number("max_choices", 1, 50)],
  scale: [lines("statements"), number("min", -10, 10), number("max", -10, 10), text("min_label"), text("max_label")],
  open_text: [number("max_length", 1, 10000)],
  nps: [text("min_label"), text("max_label")],
  ranking: [lines("items"), number("max_rank", 1, 20)],
  points: [lines("options"), number("budget", 1, 10000)],
  grid_2x2: [lines("items"), text("x.label"), text("x.min_label"), text("x.max_label"),
    text("y.label"), text("y.min_label"), text("y.max_label")],
  word_cloud: [number("max_words", 1, 10), text("language", 2)],
  qa: [number("max_length", 1, 1000), check("moderation")],
};

/** A new question of a kind: a prompt to overwrite, and what the kind cannot do without. */
export function blankQuestion(kind, t) {
  const two = [t("editor.first_option"), t("editor.second_option")];
  const start = { kind, prompt: "" };
  if (kind === "scale") return { ...start, statements: [t("editor.first_statement")] };
  if (kind === "grid_2x2") return { ...start, items: two, x: { label: t("editor.x_axis") }, y: { label: t("editor.y_axis") } };
  const list = FIELDS[kind].find((f) => f.type === "lines");
  return list ? { ...start, [list.name]: two } : start;
}

export function getPath(spec, path) {
  return path.split(".").reduce((node, key) => (node == null ? undefined : node[key]), spec);
}

/** Sets spec[a][b] for "a.b"; undefined removes the setting. */
export function setPath(spec, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  let node = spec;
  for (const key of keys) node = node[key] = node[key] || {};
  if (value === undefined) delete node[last]; else node[last] = value;
}

/** Labels typed one a line, back into choices: a label that was there keeps its id, so
 *  a template's explicit ids survive an edit. */
export function choicesFromLines(textValue, before = []) {
  const ids = new Map(before.filter((c) => typeof c === "object" && c.id).map((c) => [c.label, c.id]));
  return textValue.split("\n").map((l) => l.trim()).filter(Boolean)
    .map((label) => (ids.has(label) ? { id: ids.get(label), label } : label));
}

export const labelOf = (choice) => (typeof choice === "string" ? choice : choice.label);

/** A spec in the shape phones get from the server, for the preview: made-up ids, and the
 *  kinds' defaults where the spec leaves them out. */
export function previewQuestion(spec, index) {
  const q = { ...spec, id: spec.id || `q${index + 1}`, state: "open" };
  for (const field of ["options", "statements", "items"]) {
    if (Array.isArray(spec[field])) {
      q[field] = spec[field].map((c, i) => ({ id: typeof c === "object" && c.id ? c.id : `c${i + 1}`, label: labelOf(c) }));
    }
  }
  const defaults = {
    multiple_choice: { max_choices: 1 }, scale: { min: 1, max: 5 }, open_text: { max_length: 1000 },
    points: { budget: 100 }, word_cloud: { max_words: 3, max_length: 25 }, qa: { max_length: 280 },
  }[spec.kind] || {};
  if (spec.kind === "ranking") defaults.max_rank = (q.items || []).length;
  if (spec.kind === "grid_2x2") {
    for (const axis of ["x", "y"]) q[axis] = { min: 1, max: 10, ...spec[axis] };
  }
  return { ...defaults, ...q };
}
