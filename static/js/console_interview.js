// An interview's workspace (console page of an interview session): record respondents with
// their group in the trifecta, pick one, and type their answers with the phone's own inputs
// (static/js/kinds). Each answer goes through the respondent API, which validates and
// stores it as a phone's; a question says "Saved" only once the server stored it.
import { catalog, h, store, uuid4 } from "./dom.js";
import { kindOf } from "./kinds/index.js";
import { request, say } from "./console_api.js";

const { t, n, lang } = catalog();
const number = new Intl.NumberFormat(lang);
const $ = (id) => document.getElementById(id);
const api = document.body.dataset.api;
const url = `${api}/respondents`;
const pickedKey = `trifecta.interview.${document.body.dataset.session}`;
const picker = $("respondent-pick");
const list = $("interview-questions");

let questions = [];
let respondents = [];
let current = null; // the picked respondent's id
let answers = {}; // question id -> the picked respondent's stored answer
let states = {}; // question id -> {key, message}: what the question's line says

async function start() {
  try {
    questions = (await request("GET", api)).questions;
    await loadRespondents();
  } catch (error) {
    say(`${t("action_failed")} ${error.message}`);
    return;
  }
  const remembered = store.get(pickedKey, null);
  const known = respondents.find((r) => r.id === remembered) || respondents[respondents.length - 1];
  await pick(known ? known.id : null);
  $("interview").dataset.ready = "true";
}

async function loadRespondents() {
  respondents = await request("GET", url);
  const chosen = current;
  picker.replaceChildren(...respondents.map((r) => h("option", { value: r.id, selected: r.id === chosen },
    t("interview.respondent_option", { label: r.label, answered: n("interview.answered", r.answered, { total: number.format(questions.length) }) }))));
  picker.disabled = !respondents.length;
  $("respondent-none").hidden = respondents.length > 0;
}

async function pick(id) {
  current = id;
  let stored = {};
  if (id !== null) {
    store.set(pickedKey, id);
    picker.value = String(id);
    stored = (await request("GET", `${url}/${id}/answers`)).answers;
  }
  if (current !== id) return; // another respondent was picked while these loaded
  answers = stored;
  states = {};
  renderQuestions();
}

picker.addEventListener("change", async () => {
  try { await pick(Number(picker.value)); } catch (error) { say(`${t("action_failed")} ${error.message}`); }
});

// -- adding a respondent -------------------------------------------------------------------
$("add-respondent").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  await ready; // the page's first load must not pick someone else after this
  const labelField = $("respondent-label");
  const role = $("respondent-role");
  const payload = { label: labelField.value };
  if (role && role.value) payload.role = role.value;
  const button = $("add-respondent-button");
  button.disabled = true;
  try {
    const added = await request("POST", url, payload);
    labelField.removeAttribute("aria-invalid");
    form.reset();
    current = added.id;
    await loadRespondents();
    await pick(added.id);
    say(t("interview.added", { label: added.label }));
  } catch (error) {
    labelField.setAttribute("aria-invalid", "true");
    say(`${t("action_failed")} ${error.message}`);
    labelField.focus();
  } finally {
    button.disabled = false;
  }
});

// -- answering -----------------------------------------------------------------------------
function renderQuestions() {
  list.replaceChildren(...(current === null ? [] : questions.map(questionItem)));
}

function questionItem(q) {
  const kind = kindOf(q.kind);
  const item = h("li", { class: "interview-question", "data-question": q.id });
  const line = h("p", { class: "saved-state", id: `state-${q.id}` });
  if (kind.itemized) { // a Q&A is the room's questions and votes: nothing one person answers
    item.append(h("p", { class: "prompt", text: q.prompt }), h("p", { class: "hint", text: t("interview.not_for_interviews") }));
    return item;
  }
  const form = h("form", { class: `question kind-${q.kind}`, "data-question": q.id, "aria-describedby": line.id });
  form.append(...kind.phone(q, contextFor(q)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = kind.read(form, q);
    if (value === null) { showState(q.id, "interview.nothing", ""); return; }
    send(q, value);
  });
  item.append(form, line);
  showState(q.id, ...(states[q.id] ? [states[q.id].key, states[q.id].message] : initialState(q)), line);
  return item;
}

function initialState(q) {
  if (q.state !== "open") return [q.state === "locked" ? "locked" : "not_open", ""];
  return [q.id in answers ? "interview.saved" : "interview.unanswered", ""];
}

function contextFor(q) {
  return {
    open: q.state === "open", t, n, number,
    value: answers[q.id], draftValue: undefined, result: null,
    submit: (value) => send(q, value),
    draft: () => showState(q.id, "interview.unsaved", ""),
  };
}

async function send(q, value) {
  const respondent = current;
  showState(q.id, "interview.saving", "");
  try {
    await request("POST", `${url}/${respondent}/answers`, { client_id: uuid4(), question: q.id, value });
  } catch (error) {
    if (respondent === current) showState(q.id, "interview.refused", error.message);
    say(`${t("action_failed")} ${error.message}`);
    return;
  }
  if (respondent !== current) return; // the facilitator moved on to someone else meanwhile
  answers[q.id] = value;
  showState(q.id, "interview.saved", "");
  say(t("interview.saved_for", { prompt: q.prompt }));
  await loadRespondents().catch(() => null); // the answered counts
}

function showState(questionId, key, message, line = $(`state-${questionId}`)) {
  states[questionId] = { key, message };
  if (!line) return;
  line.dataset.state = key;
  line.textContent = message ? `${t(key)} ${message}` : t(key);
}

const ready = start();
