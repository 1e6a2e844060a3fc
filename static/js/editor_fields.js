// How the editor reads and writes a question spec. What each kind asks for is in its own
// module (static/js/kinds/<kind>.js exports `editor`): "lines" are a list of labels, one a
// line; an empty number or text leaves the setting out, so that the kind's default applies.
import { kindOf } from "./kinds/index.js";

/** A new question of a kind: a prompt to overwrite, and what the kind cannot do without. */
export function blankQuestion(kind, t) {
  const { settings, blank } = kindOf(kind).editor;
  const list = settings.find((f) => f.type === "lines");
  const start = { kind, prompt: "" };
  if (list) start[list.name] = [t("editor.first_option"), t("editor.second_option")];
  return { ...start, ...(blank ? blank(t) : {}) };
}

export function settingsOf(kind) {
  return kindOf(kind).editor.settings;
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
  const defaults = kindOf(spec.kind).editor.defaults;
  for (const [name, value] of Object.entries(defaults)) {
    // an axis and its ends: the defaults under what the spec gives
    if (value && typeof value === "object") q[name] = { ...value, ...spec[name] };
    else if (q[name] === undefined) q[name] = value;
  }
  if (q.items && q.max_rank === undefined) q.max_rank = q.items.length; // ranking: all places
  return q;
}
