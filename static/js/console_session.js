// One session's page: live counts and the results of every question over the presenter
// socket (drawn as the screen draws them, without moderation buttons), the join link to
// copy or print, and duplicate, save as template, end and delete through the JSON API.
import { catalog, socketUrl } from "./dom.js";
import { kindOf } from "./kinds/index.js";
import { reconnecting } from "./socket.js";
import { localTimes, noteForNextPage, request, say, showNoteFromLastPage } from "./console_api.js";

const { t, n, lang } = catalog();
const body = document.body;
const api = body.dataset.api;
const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
const $ = (id) => document.getElementById(id);
const draft = JSON.parse($("draft").textContent); // the session's questions as specs

let session = null;
const results = {}; // question id -> {responses, result}

// -- live ----------------------------------------------------------------------------------
reconnecting(socketUrl(body.dataset.wsPath), {
  onMessage(message) {
    if (message.type === "results") {
      for (const q of message.questions) results[q.id] = q;
    } else if (message.type === "session") {
      session = message.session;
      const connected = $("count-connected"); // an interview has no phones, and no such count
      if (connected && Number.isInteger(message.connected)) connected.textContent = number.format(message.connected);
    } else return;
    render();
  },
  onStatus() {},
  onClose: (code) => code === 4404 || code === 4403, // deleted, or signed out: stop
});

function render() {
  if (!session) return;
  $("session-state").textContent = session.state === "live" ? t("state_live") : t("state_ended");
  $("session-state").dataset.state = session.state;
  let answers = 0;
  for (const question of session.questions) {
    const data = results[question.id] || { responses: 0, result: {} };
    answers += data.responses;
    const count = document.querySelector(`[data-responses="${CSS.escape(question.id)}"]`);
    const holder = document.querySelector(`[data-results="${CSS.escape(question.id)}"]`);
    if (!count || !holder) continue; // the questions changed: the next load shows them
    count.textContent = n("responses", data.responses);
    kindOf(question.kind).present(holder, question, data, { t, n, number, percent, controls: false });
  }
  $("count-answers").textContent = number.format(answers);
}

// Who joined is not on the presenter socket (it counts connected phones): read it from the
// session list now and then, as the list page does.
const REFRESH_MS = 5000;
async function refreshParticipants() {
  if (document.hidden) return;
  let sessions;
  try { sessions = await request("GET", "/api/sessions"); } catch { return; }
  const mine = sessions.find((s) => s.id === body.dataset.session);
  if (mine) $("count-participants").textContent = number.format(mine.participants);
}
setInterval(refreshParticipants, REFRESH_MS);
document.addEventListener("visibilitychange", refreshParticipants);

// -- join link (an interview has none) -------------------------------------------------------
if ($("copy-join")) $("copy-join").addEventListener("click", async () => {
  const link = $("join-link").href;
  try {
    await navigator.clipboard.writeText(link);
    say(t("link_copied"));
  } catch { // plain http has no clipboard: select the link so that Ctrl+C copies it
    getSelection().selectAllChildren($("join-link"));
    say(t("link_selected"));
  }
});
if ($("print-join")) $("print-join").addEventListener("click", () => window.print());

// -- manage --------------------------------------------------------------------------------
async function act(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    say(`${t("action_failed")} ${error.message}`);
    button.disabled = false;
  }
}

$("duplicate").addEventListener("click", (event) => act(event.currentTarget, async () => {
  const created = await request("POST", "/api/sessions", {
    title: t("copy_of", { title: draft.title }).slice(0, 200),
    mode: draft.mode, questions: draft.questions, profanity_filter: draft.profanity_filter,
  });
  noteForNextPage(t("duplicated", { code: created.code }));
  location.assign(`/console/sessions/${created.id}`);
}));

const saveTemplate = $("save-template");
saveTemplate.addEventListener("click", () => act(saveTemplate, async () => {
  const saved = await request("POST", "/api/templates", {
    title: draft.title, mode: draft.mode, questions: draft.questions,
  });
  say(t("template_saved", { title: saved.title }));
  saveTemplate.disabled = false;
}));

const end = $("end-session");
if (end) end.addEventListener("click", (event) => {
  if (!window.confirm(t("confirm_end"))) return;
  act(event.currentTarget, async () => {
    await request("POST", `${api}/control`, { action: "end" });
    noteForNextPage(t("ended_ok"));
    location.reload();
  });
});

$("delete-session").addEventListener("click", (event) => {
  if (!window.confirm(t("confirm_delete", { title: draft.title }))) return;
  act(event.currentTarget, async () => {
    await request("DELETE", api);
    noteForNextPage(t("deleted", { title: draft.title }));
    location.assign("/console");
  });
});

localTimes(lang);
showNoteFromLastPage();
