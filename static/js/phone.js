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
// question id -> value being edited, not sent yet; kept across reloads and language switches
const draftsKey = `trifecta.drafts.${code}`;
const drafts = store.get(draftsKey, {});
const draftMeta = store.get(`${draftsKey}.meta`, {}); // {prompt, kind}: for the reminder
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
      if (value !== null && JSON.stringify(value) !== JSON.stringify(saved[q.id])) setDraft(q, value);
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
  } else if (message.type === "saved") {
    onSavedElsewhere(message);
  } else if (message.type === "results") {
    for (const q of message.questions) shared[q.id] = q;
    refreshShown();
  } else if (message.type === "ack") {
    const item = outbox.take(message.id);
    if (item) {
      const kind = kindOfQuestion(item.question);
      saved[item.question] = kind && kind.itemized ? kind.acked(saved[item.question], item.value, message.item) : item.value;
      if (kind && kind.sent) kind.sent(stage, item.value);
      if (kind && !kind.itemized) tellOtherTabs(item.question, item.value);
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

// Tabs of one browser share localStorage, so a saved answer reaches the others even when
// their sockets are on another worker (the server's own "saved" push is per worker).
const savedKey = `trifecta.saved.${code}`;
function tellOtherTabs(question, value) {
  store.set(savedKey, { question, value, at: Date.now() }); // "at": every save is news
}
window.addEventListener("storage", (event) => {
  if (event.key !== savedKey || !event.newValue || !session) return;
  const news = JSON.parse(event.newValue);
  onSavedElsewhere({ question: news.question, value: news.value });
});

/** Another tab (or the no-script form) of this phone saved an answer: show it here too,
 *  unless this tab holds a newer one of its own (unsent or on its way). */
function onSavedElsewhere(message) {
  saved[message.question] = message.value;
  if (outbox.get(message.question) || unsent(message.question)) { showStatus(); return; }
  dropDraft(message.question);
  const question = visibleQuestion();
  if (question && question.id === message.question) shownKey = ""; // redraw with the value
  render();
}

function onError(message) {
  if (sentReactions.has(message.id)) { onReactionError(message); return; }
  if (message.code === "not_joined") { rejoin(); return; }
  if (message.code === "rate_limited" || message.code === "store_unavailable") {
    // nothing was stored: the answer stays in the outbox and goes again in a moment
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
function setDraft(question, value) {
  drafts[question.id] = value;
  if (question.prompt) draftMeta[question.id] = { prompt: question.prompt, kind: question.kind };
  saveDrafts();
  if (session) showStatus(); // "not sent yet"
}

function dropDraft(questionId) {
  delete drafts[questionId];
  delete draftMeta[questionId];
  saveDrafts();
}

function saveDrafts() {
  store.set(draftsKey, drafts);
  store.set(`${draftsKey}.meta`, draftMeta);
}

/** A draft that differs from what the server holds: the participant has not sent it. */
function unsent(questionId) {
  return questionId in drafts && JSON.stringify(drafts[questionId]) !== JSON.stringify(saved[questionId]);
}

function submit(question, value) {
  dropDraft(question.id);
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
  else if (unsent(question.id) && !kindOf(question.kind).itemized) key = "not_sent";
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
    : question ? `${question.id}:${question.state}` : `none:${index}:${Boolean(session.current_question)}`;
  if (key !== shownKey) {
    shownKey = key;
    stage.replaceChildren(screenFor(question));
  }
  refreshShown();
  renderLeftBehind(question);
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

/** Answers typed for a question the facilitator has moved on from: still sendable while
 *  that question is open (the server says when it is not), or to be thrown away. */
function renderLeftBehind(question) {
  const holder = document.getElementById("left-behind");
  const waiting = Object.keys(drafts).filter((id) => (!question || id !== question.id)
    && draftMeta[id] && !kindOf(draftMeta[id].kind).itemized && unsent(id) && !outbox.get(id));
  holder.hidden = !waiting.length || session.mode !== "presenter" || session.state === "ended";
  if (holder.hidden) return;
  holder.replaceChildren(...waiting.map((id) => h("p", { class: "left-behind-item" },
    h("span", { dir: "auto", text: t("not_sent_earlier", { prompt: draftMeta[id].prompt }) }),
    h("button", { type: "button", class: "primary", "data-send": id, text: t("send_it") }),
    h("button", { type: "button", "data-discard": id, text: t("discard") }))));
}

document.getElementById("left-behind").addEventListener("click", (event) => {
  const send = event.target.closest("button[data-send]");
  const discard = event.target.closest("button[data-discard]");
  const id = send ? send.dataset.send : discard ? discard.dataset.discard : null;
  if (!id) return;
  if (send) submit({ id, kind: draftMeta[id].kind }, drafts[id]);
  else dropDraft(id);
  renderLeftBehind(visibleQuestion());
});

function screenFor(question) {
  if (session.state === "ended") return notice(t("ended_title"), t("ended_text"));
  if (!question && session.mode === "self_paced") return notice(t("done_title"), t("done_text"));
  if (!question && !session.current_question) return notice(t("welcome_title"), t("welcome_text"));
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
document.getElementById("next").addEventListener("click", () => {
  sendUnsentDraft(visibleQuestion()); // "Next" means "done here": what was typed is sent
  move(1);
});

function sendUnsentDraft(question) {
  if (!question || question.state !== "open" || !unsent(question.id) || kindOf(question.kind).itemized) return;
  const value = drafts[question.id];
  if (value !== null && value !== "" && !(Array.isArray(value) && !value.length)) submit(question, value);
}

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
    draft: (value) => { if (!kind.itemized) setDraft(q, value); else { drafts[q.id] = value; } },
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
    if (value !== null && open) submit(q, value);
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
