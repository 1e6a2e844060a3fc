// The question editor: a session's name, mode and questions of every kind, added, edited,
// reordered and deleted in the browser, with the phone's own drawing of the question in
// focus. Saving creates the session (POST /api/sessions) or replaces its questions (PUT),
// and the server's message says what to fix.
import { catalog, h } from "./dom.js";
import { kindOf } from "./kinds/index.js";
import { noteForNextPage, request, say } from "./console_api.js";
import { blankQuestion, choicesFromLines, getPath, labelOf, previewQuestion, setPath, settingsOf } from "./editor_fields.js";

const { t, n, lang } = catalog();
const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
const $ = (id) => document.getElementById(id);
const draft = JSON.parse($("draft").textContent);
const sessionId = document.body.dataset.session || null;
const form = $("editor");
const list = $("questions");

let questions = draft.questions.map((q) => structuredClone(q));
// Every kind can feed a section of the performance brief (server/sections.py lists them)
const briefField = {
  name: "brief", type: "select",
  choices: [["", t("brief.none")], ...(draft.sections || []).map((id) => [id, t(`brief.${id}`)])],
};
let selected = 0; // the question the preview shows

for (const option of $("new-kind").options) option.textContent = t(`kind.${option.value}`);

// -- the list ------------------------------------------------------------------------------
function fieldInput(spec, field, index) {
  const id = `q${index}-${field.name.replace(".", "-")}`;
  const value = getPath(spec, field.name);
  const label = h("label", { for: id, text: t(`field.${field.name}`) });
  if (field.type === "lines") {
    const area = h("textarea", { id, rows: 4, "data-path": field.name, "aria-describedby": `${id}-hint` });
    area.value = (value || []).map(labelOf).join("\n");
    return h("div", { class: "field" }, label, area, h("p", { class: "hint", id: `${id}-hint`, text: t("editor.one_per_line") }));
  }
  if (field.type === "select") {
    const select = h("select", { id, "data-path": field.name },
      ...field.choices.map(([choice, text]) => h("option", { value: choice, selected: (value ?? "") === choice, text })));
    return h("div", { class: "field" }, label, select);
  }
  if (field.type === "checkbox") {
    return h("div", { class: "field check" },
      h("input", { type: "checkbox", id, "data-path": field.name, checked: Boolean(value) }), label);
  }
  const attrs = field.type === "number"
    ? { type: "number", inputmode: "numeric", min: field.min, max: field.max, step: 1 }
    : { type: "text", maxlength: field.max };
  const input = h("input", { id, "data-path": field.name, ...attrs });
  input.value = value ?? "";
  return h("div", { class: "field" }, label, input);
}

function questionCard(spec, index) {
  const title = t("editor.question_title", { n: index + 1, kind: t(`kind.${spec.kind}`) });
  const promptId = `q${index}-prompt`;
  const prompt = h("textarea", { id: promptId, rows: 2, maxlength: 500, "data-path": "prompt", required: true });
  prompt.value = spec.prompt;
  const move = (step, key, disabled) => h("button", {
    type: "button", "data-move": step, disabled, text: t(key),
    "aria-label": `${t(key)}: ${title}`,
  });
  return h("li", { class: "question-card", "data-index": index, "aria-current": index === selected ? "true" : null },
    h("h3", { text: title }),
    h("div", { class: "field" }, h("label", { for: promptId, text: t("field.prompt") }), prompt),
    ...settingsOf(spec.kind).map((field) => fieldInput(spec, field, index)),
    fieldInput(spec, briefField, index),
    h("div", { class: "actions" },
      move(-1, "editor.move_up", index === 0),
      move(1, "editor.move_down", index === questions.length - 1),
      h("button", { type: "button", class: "danger", "data-delete": "", text: t("editor.delete"), "aria-label": `${t("editor.delete")}: ${title}` })));
}

function renderList() {
  list.replaceChildren(...questions.map(questionCard));
  $("no-questions").hidden = questions.length > 0;
  renderPreview();
}

function renderPreview() {
  const preview = $("preview");
  const spec = questions[selected];
  if (!spec) {
    preview.replaceChildren(h("p", { class: "hint", text: t("editor.preview_empty") }));
    $("preview-which").textContent = "";
    return;
  }
  $("preview-which").textContent = t("editor.previewing", { n: selected + 1 });
  const q = previewQuestion({ ...spec, prompt: spec.prompt || t("editor.prompt_placeholder") }, selected);
  const ctx = { open: true, t, n, number, value: undefined, draftValue: undefined, result: null, submit() {}, draft() {} };
  const phoneForm = h("form", { class: `question kind-${q.kind}` });
  try {
    phoneForm.append(...kindOf(q.kind).phone(q, ctx));
  } catch { // half-typed settings a kind cannot draw yet: the list still shows them
    phoneForm.append(h("p", { class: "hint", text: t("editor.preview_unavailable") }));
  }
  preview.replaceChildren(phoneForm);
}

function select(index) {
  if (index === selected) return;
  selected = index;
  for (const card of list.children) {
    if (Number(card.dataset.index) === index) card.setAttribute("aria-current", "true");
    else card.removeAttribute("aria-current");
  }
  renderPreview();
}

// -- editing -------------------------------------------------------------------------------
function readField(input, spec) {
  const path = input.dataset.path;
  if (input.type === "checkbox") return input.checked || undefined;
  if (input.tagName === "SELECT") return input.value || undefined;
  if (input.tagName === "TEXTAREA" && path !== "prompt") return choicesFromLines(input.value, getPath(spec, path));
  if (input.type === "number") return input.value === "" ? undefined : input.valueAsNumber;
  const value = input.value;
  return path === "prompt" ? value : value.trim() || undefined;
}

list.addEventListener("input", (event) => {
  const input = event.target.closest("[data-path]");
  const card = event.target.closest(".question-card");
  if (!input || !card) return;
  const index = Number(card.dataset.index);
  setPath(questions[index], input.dataset.path, readField(input, questions[index]));
  selected = index;
  renderPreview();
});

list.addEventListener("focusin", (event) => {
  const card = event.target.closest(".question-card");
  if (card) select(Number(card.dataset.index));
});

list.addEventListener("click", (event) => {
  const card = event.target.closest(".question-card");
  if (!card) return;
  const index = Number(card.dataset.index);
  const moveButton = event.target.closest("button[data-move]");
  if (moveButton) {
    const to = index + Number(moveButton.dataset.move);
    [questions[index], questions[to]] = [questions[to], questions[index]];
    selected = to;
    renderList();
document.body.dataset.ready = "editor"; // for tests: the listeners are in place
    say(t("editor.moved", { n: to + 1 }));
    focusCard(to, `button[data-move="${moveButton.dataset.move}"]`);
  } else if (event.target.closest("button[data-delete]")) {
    if (!window.confirm(t("editor.confirm_delete"))) return;
    questions.splice(index, 1);
    selected = Math.max(0, Math.min(selected, questions.length - 1));
    renderList();
document.body.dataset.ready = "editor"; // for tests: the listeners are in place
    say(t("editor.deleted"));
    if (questions.length) focusCard(Math.min(index, questions.length - 1), "textarea");
    else $("new-kind").focus();
  }
});

/** Keeps the keyboard where it was after the list was redrawn. */
function focusCard(index, selector) {
  const card = list.children[index];
  const target = card && (card.querySelector(`${selector}:not(:disabled)`) || card.querySelector("textarea"));
  if (target) target.focus();
}

$("add-question").addEventListener("click", () => {
  questions.push(blankQuestion($("new-kind").value, t));
  selected = questions.length - 1;
  renderList();
document.body.dataset.ready = "editor"; // for tests: the listeners are in place
  focusCard(selected, "textarea");
});

// -- saving --------------------------------------------------------------------------------
/** The session's settings beside its questions: its name, how it runs, and when the
 *  screen shows results (`reveal`: "on_reveal" or "live"). */
function sessionSettings() {
  return {
    title: form.elements.title.value.trim(),
    mode: form.elements.mode.value,
    reveal: form.elements.reveal.value,
  };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const settings = sessionSettings();
  if (!settings.title) { say(t("editor.needs_title")); form.elements.title.focus(); return; }
  if (!questions.length) { say(t("editor.needs_question")); $("new-kind").focus(); return; }
  const save = $("save");
  save.disabled = true;
  try {
    if (sessionId) {
      await request("PUT", `/api/sessions/${sessionId}/questions`, { title: settings.title, questions });
      noteForNextPage(t("editor.saved"));
      location.assign(`/console/sessions/${sessionId}`);
    } else {
      const created = await request("POST", "/api/sessions", { ...settings, questions });
      noteForNextPage(t("created", { code: created.code }));
      location.assign(`/console/sessions/${created.id}`);
    }
  } catch (error) {
    say(`${t("editor.not_saved")} ${error.message}`);
    save.disabled = false;
  }
});

renderList();
document.body.dataset.ready = "editor"; // for tests: the listeners are in place
