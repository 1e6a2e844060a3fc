// The participant's phone: shows the current question, sends answers over the socket,
// keeps unacknowledged answers in an outbox and re-sends them after a reconnect.
import { Countdowns, TICK_MS, clockText } from "./countdown.js";
import { catalog, h, socketUrl, store } from "./dom.js";
import { kindOf } from "./kinds/index.js";
import { Outbox } from "./outbox.js";
import { reconnecting } from "./socket.js";

const body = document.body;
const { t, n, lang } = catalog();
const code = body.dataset.code;
const stage = document.getElementById("stage");
const statusLine = document.getElementById("status");
const banner = document.getElementById("connection");
const pager = document.getElementById("pager");
const timer = document.getElementById("countdown");
const timerNews = document.getElementById("countdown-news");
const countdowns = new Countdowns();
const reactionBar = document.getElementById("reactions");
const reactionStatus = document.getElementById("reaction-status");
const outbox = new Outbox(code);
const indexKey = `trifecta.index.${code}`;
const number = new Intl.NumberFormat(lang);
const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });

let session = null;
let saved = {}; // question id -> value the server acknowledged (a Q&A: own posts and votes)
let shared = {}; // question id -> results the room may see (Q&A posts, revealed results)
const drafts = {}; // question id -> value being edited, not sent yet
const notes = {}; // question id -> status key for the status line
let index = store.get(indexKey, null);
let shownKey = "";
let rejoining = false;
const sentReactions = new Map(); // reaction message id -> its button, until the reply
let reactionNumber = 0;
let reactionStatusTimer = 0;

const CLOSE_REPLACED = 4409; // this phone opened a newer connection (another tab)
// Looking at the page creates nobody; the script joins (with intent) before its socket opens,
// which saves the round trip of a socket that would only be told to join first.
if (body.dataset.joined === "false") await join().catch(() => null);
const socket = reconnecting(socketUrl(body.dataset.wsPath), { onMessage, onStatus, onClose });
for (const form of stage.querySelectorAll("form[data-server]")) takeOver(form);

/** The server's own form, until the socket's state replaces it with ours: answers go
 *  through the outbox while the socket is open; without a socket the form still posts. */
function takeOver(form) {
  const q = { id: form.dataset.question, kind: form.dataset.kind };
  const kind = kindOf(q.kind);
  const send = () => {
    const value = kind.read(form, q);
    if (value !== null) submit(q, value);
  };
  if (!kind.itemized) { // what is typed here before the socket's state replaces this form is kept
    const keepDraft = () => {
      const value = kind.read(form, q);
      if (value !== null) drafts[q.id] = value;
    };
    keepDraft();
    form.addEventListener("input", keepDraft);
    form.addEventListener("change", keepDraft);
  }
  if (kind.sendsOnChange) form.addEventListener("change", send);
  form.addEventListener("submit", (event) => {
    if (!socket.isOpen()) return;
    event.preventDefault();
    send();
  });
}

// -- messages ------------------------------------------------------------------------------
function onMessage(message) {
  if (message.type === "state") {
    session = message.session;
    countdowns.update(session);
    saved = message.answers || {};
    shared = Object.fromEntries((message.results || []).map((q) => [q.id, q]));
    render();
    sentReactions.clear(); // a new socket: replies to the old one's reactions never come
    if (!message.joined) { rejoin(); return; } // answers wait in the outbox until joined
    for (const item of outbox.pending()) socket.send({ type: "answer", ...item });
  } else if (message.type === "session") {
    session = message.session;
    forgetUnsharedResults();
    announceEnd(countdowns.update(session));
    render();
  } else if (message.type === "results") {
    for (const q of message.questions) shared[q.id] = q;
    refreshShown();
  } else if (message.type === "ack") {
    const item = outbox.take(message.id);
    if (item) {
      const kind = kindOfQuestion(item.question);
      saved[item.question] = kind && kind.itemized ? kind.acked(saved[item.question], item.value, message.item) : item.value;
      notes[item.question] = "saved";
      showStatus();
      refreshShown();
    }
  } else if (message.type === "reacted") {
    const button = sentReactions.get(message.id);
    sentReactions.delete(message.id);
    if (button) confirmReaction(button);
  } else if (message.type === "error") {
    onError(message);
  }
}

function onError(message) {
  if (sentReactions.has(message.id)) { onReactionError(message); return; }
  if (message.code === "not_joined") { rejoin(); return; }
  if (message.code === "rate_limited") {
    setTimeout(() => { for (const i of outbox.pending()) socket.send({ type: "answer", ...i }); }, 1500);
    return;
  }
  const item = message.id ? outbox.take(message.id) : null;
  if (!item) return;
  notes[item.question] = `error.${message.code}`;
  showStatus();
}

function join() {
  return fetch(body.dataset.joinPath, {
    method: "POST", credentials: "same-origin",
    headers: { "content-type": "application/json" }, body: "{}",
  });
}

/** The cookie is missing or belongs elsewhere: join again, then read the state again. */
async function rejoin() {
  if (rejoining) return;
  rejoining = true;
  try {
    const response = await join();
    if (response.ok) socket.reconnect();
    else if (response.status !== 429) showSessionGone(); // 429: the socket asks again later
  } catch {
    /* offline: the socket retries and asks again */
  } finally {
    setTimeout(() => { rejoining = false; }, 3000);
  }
}

/** Another tab of this phone took over: stay quiet rather than take it back in turn. */
function onClose(code) {
  if (code !== CLOSE_REPLACED) return false;
  banner.textContent = t("replaced");
  banner.hidden = false;
  return true;
}

function onStatus(status) {
  body.dataset.connection = status;
  banner.hidden = status === "open";
  banner.textContent = status === "offline" ? t("offline") : status === "connecting" && session ? t("reconnecting") : "";
  if (status !== "open" && !session) banner.hidden = true;
  showStatus();
}

// -- answering -----------------------------------------------------------------------------
function submit(question, value) {
  delete drafts[question.id];
  const item = kindOf(question.kind).itemized ? outbox.add(question.id, value) : outbox.put(question.id, value);
  notes[question.id] = socket.send({ type: "answer", ...item }) ? "sent" : "queued";
  showStatus();
}

function currentValue(questionId) {
  if (questionId in drafts) return drafts[questionId];
  const pending = outbox.get(questionId);
  return pending ? pending.value : saved[questionId];
}

function showStatus() {
  const question = visibleQuestion();
  if (!question) {
    if (session) statusLine.textContent = ""; // before the state: keep the server's flash
    return;
  }
  let key = notes[question.id];
  if (outbox.get(question.id)) key = socket.isOpen() ? "sent" : "queued";
  else if (!key && question.id in saved) key = "saved";
  if (key === "saved" && question.state !== "open") key = "saved_closed";
  const text = key ? t(key) : "";
  statusLine.textContent = text.startsWith("error.") ? t("error.other") : text;
  statusLine.dataset.state = key || "";
  const button = stage.querySelector("button[type=submit]");
  if (button && !kindOf(question.kind).itemized) button.textContent = question.id in saved || outbox.get(question.id) ? t("update") : t("send");
}

// -- rendering -----------------------------------------------------------------------------
function questions() { return session ? session.questions : []; }

function visibleQuestion() {
  if (!session || session.state === "ended") return null;
  if (session.mode === "self_paced") return questions()[index] || null;
  return questions()[0] || null;
}

function render() {
  if (session.mode === "self_paced" && (index === null || index > questions().length)) {
    const firstOpen = questions().findIndex((q) => !(q.id in saved) && q.state === "open");
    index = firstOpen === -1 ? 0 : firstOpen;
  }
  const question = visibleQuestion();
  const key = session.state === "ended" ? "ended"
    : question ? `${question.id}:${question.state}` : `none:${index}`;
  if (key !== shownKey) {
    shownKey = key;
    stage.replaceChildren(screenFor(question));
  }
  refreshShown();
  renderPager();
  reactionBar.hidden = session.state === "ended";
  showStatus();
  showCountdown();
}

// -- countdown -----------------------------------------------------------------------------
/** Each tick: at zero the question locks here without waiting for the server (which
 *  refuses its answers from then on, and says so in a moment too). */
function tick() {
  if (!session) return;
  const expired = countdowns.expire(session);
  if (!expired.length) { showCountdown(); return; }
  announceEnd(expired);
  render();
}
setInterval(tick, TICK_MS);

function announceEnd(questionIds) {
  const question = visibleQuestion();
  if (question && questionIds.includes(question.id)) timerNews.textContent = t("countdown_over");
}

/** "0:42 left" beside the question (a timer: not read out each second); its last ten
 *  seconds and its end are announced once each. */
function showCountdown() {
  const question = visibleQuestion();
  const left = question && question.state === "open" ? countdowns.left(question.id) : null;
  timer.hidden = left === null;
  if (left === null) return;
  timer.textContent = t("time_left", { time: clockText(left) });
  if (countdowns.nearlyOver(question)) timerNews.textContent = t("countdown_nearly_over");
}

function screenFor(question) {
  if (session.state === "ended") return notice(t("ended_title"), t("ended_text"));
  if (!question && session.mode === "self_paced") return notice(t("done_title"), t("done_text"));
  if (!question) return notice(t("waiting_title"), t("waiting_text"));
  return questionForm(question);
}

function notice(title, text) {
  return h("section", { class: "notice" }, h("h2", { text: title }), h("p", { text }));
}

function renderPager() {
  const selfPaced = session.mode === "self_paced" && session.state !== "ended";
  pager.hidden = !selfPaced;
  if (!selfPaced) return;
  const total = questions().length;
  document.getElementById("position").textContent = index < total
    ? t("position", { n: number.format(index + 1), total: number.format(total) })
    : t("done_title");
  document.getElementById("prev").disabled = index === 0;
  document.getElementById("next").disabled = index >= total;
}

function move(step) {
  index = Math.max(0, Math.min(questions().length, index + step));
  store.set(indexKey, index);
  render();
  const heading = stage.querySelector("legend, label, h2");
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}
document.getElementById("prev").addEventListener("click", () => move(-1));
document.getElementById("next").addEventListener("click", () => move(1));

function kindOfQuestion(questionId) {
  const question = questions().find((q) => q.id === questionId);
  return question ? kindOf(question.kind) : null;
}

/** What a kind's phone input is drawn from; a Q&A keeps its typed text apart from its
 *  own posts and votes, and draws the room's posts. */
function contextFor(q) {
  const kind = kindOf(q.kind);
  return {
    open: q.state === "open", t, n, number,
    value: kind.itemized ? saved[q.id] : currentValue(q.id),
    draftValue: drafts[q.id],
    result: shared[q.id] ? shared[q.id].result : null,
    submit: (value) => submit(q, value),
    draft: (value) => { drafts[q.id] = value; },
  };
}

function questionForm(q) {
  const open = q.state === "open";
  const kind = kindOf(q.kind);
  const form = h("form", { class: `question kind-${q.kind}`, "data-question": q.id });
  form.append(...kind.phone(q, contextFor(q)));
  if (!open) form.append(h("p", { class: "closed", text: q.state === "locked" ? t("locked") : t("not_open") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = kind.read(form, q);
    if (value !== null && open) {
      submit(q, value);
      if (kind.sent) kind.sent(form);
    }
  });
  const holder = h("section", { class: "phone-results", "aria-label": t("room_results"), hidden: true });
  return h("div", { class: "question-view" }, form, holder);
}

/** The facilitator took results back: the phone stops showing them at once. */
function forgetUnsharedResults() {
  for (const q of questions()) {
    if (!q.results_shared && !kindOf(q.kind).itemized) delete shared[q.id];
  }
}

/** New results or own posts: redraw what the room shows without touching what is typed. */
function refreshShown() {
  const question = visibleQuestion();
  const view = stage.querySelector(".question-view");
  if (!question || !view) return;
  const kind = kindOf(question.kind);
  if (kind.refresh) { kind.refresh(view, question, contextFor(question)); return; }
  const holder = view.querySelector(".phone-results");
  const data = shared[question.id];
  holder.hidden = !data;
  if (data) {
    holder.replaceChildren(h("h3", { text: t("room_results") }), h("div", { class: "results" }));
    kind.present(holder.lastChild, question, data, { t, n, number, percent, controls: false });
  }
}

function showSessionGone() {
  session = { state: "ended", questions: [], mode: "presenter" };
  render();
}

// -- reactions -----------------------------------------------------------------------------
// Never stored and never re-sent: a reaction that cannot go now is simply not sent.
reactionBar.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-reaction]");
  if (!button) return;
  reactionNumber += 1;
  const id = `reaction-${reactionNumber}`;
  if (socket.send({ type: "reaction", reaction: button.dataset.reaction, id })) {
    sentReactions.set(id, button);
  } else {
    showReactionStatus(t("reaction_offline"), "error");
  }
});

function confirmReaction(button) {
  button.dataset.sent = "true";
  setTimeout(() => { delete button.dataset.sent; }, 700); // the pop's length (phone.css)
  showReactionStatus(t("reaction_sent", { name: button.querySelector(".sr-only").textContent }), "sent");
}

function onReactionError(message) {
  sentReactions.delete(message.id);
  showReactionStatus(message.code === "rate_limited" ? t("reaction_slow") : t("reaction_failed"), "error");
}

function showReactionStatus(text, state) {
  reactionStatus.textContent = text;
  reactionStatus.dataset.state = state;
  clearTimeout(reactionStatusTimer);
  reactionStatusTimer = setTimeout(() => { reactionStatus.textContent = ""; }, 2500);
}
