// The presenter screen: live results from the presenter socket, controls over HTTP,
// and the keys a presenter's hands (and clicker) already know.
import { Countdowns, TICK_MS, clockText } from "./countdown.js";
import { catalog, h, socketUrl, store } from "./dom.js";
import { kindOf } from "./kinds/index.js";
import { reconnecting } from "./socket.js";

const body = document.body;
const { t, n, lang } = catalog();
const api = body.dataset.api;
const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
const $ = (id) => document.getElementById(id);
const filterSwitch = $("language-filter");

let session = null;
let connected = 0; // phones connected to this server right now
const results = {}; // question id -> {responses, result}
const countdowns = new Countdowns();

// -- theme ---------------------------------------------------------------------------------
const themePick = $("theme");
function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  themePick.value = theme;
}
applyTheme(store.get("trifecta.theme", ""));
themePick.addEventListener("change", () => {
  store.set("trifecta.theme", themePick.value);
  applyTheme(themePick.value);
});

// -- live updates --------------------------------------------------------------------------
reconnecting(socketUrl(body.dataset.wsPath), {
  onMessage(message) {
    if (message.type === "results") {
      for (const q of message.questions) results[q.id] = q;
      render();
    } else if (message.type === "session") {
      session = message.session;
      countdowns.update(session);
      if (Number.isInteger(message.connected)) connected = message.connected;
      render();
    } else if (message.type === "reactions") {
      showReactions(message.counts);
    }
  },
  onStatus(status) {
    body.dataset.connection = status;
    $("link-state").textContent = status === "open" ? t("live") : t("reconnecting_screen");
  },
});

function current() {
  if (!session || !session.current_question) return null;
  return session.questions.find((q) => q.id === session.current_question) || null;
}

function render() {
  if (!session) return;
  filterSwitch.checked = Boolean(session.profanity_filter);
  const question = current();
  const ended = session.state === "ended";
  $("start-slide").hidden = ended || Boolean(question);
  $("question-view").hidden = ended || !question;
  $("ended-slide").hidden = !ended;
  body.dataset.view = ended ? "ended" : question ? "question" : "start";
  if (!question || ended) { updateButtons(null); return; }
  const position = session.questions.indexOf(question);
  $("q-number").textContent = t("position", { n: number.format(position + 1), total: number.format(session.questions.length) });
  $("q-state").textContent = t(`state.${question.state}`);
  $("q-state").dataset.state = question.state;
  $("prompt").textContent = question.prompt;
  const data = results[question.id] || { responses: 0, result: {} };
  $("counter").textContent = counterText(data.responses);
  $("results-hidden").hidden = question.results_visible;
  const holder = $("results");
  holder.hidden = !question.results_visible;
  if (question.results_visible) drawResults(holder, question, data);
  updateButtons(question);
  showCountdown();
}

/** "37 of 52 answered" while the phones in the room outnumber the answers; answers sent
 *  over HTTP or to another worker can outnumber this worker's phones: then a plain count. */
function counterText(responses) {
  if (connected > 0 && connected >= responses) {
    return n("answered_of", responses, { total: number.format(connected) });
  }
  return n("responses", responses);
}

function updateButtons(question) {
  const lock = $("lock-button");
  const show = $("results-button");
  lock.disabled = show.disabled = !question;
  for (const control of $("countdown-form").elements) control.disabled = !question;
  $("share-button").hidden = true;
  if (!question) return;
  lock.textContent = question.state === "open" ? t("lock") : t("open");
  show.textContent = question.results_visible ? t("hide_results") : t("show_results");
  show.setAttribute("aria-pressed", String(!question.results_visible));
  // shown on the screen while voting, the results reach the phones only when revealed
  $("share-button").hidden = !question.results_visible || question.results_shared;
}

// -- countdown -----------------------------------------------------------------------------
/** At zero the screen shows the question locked at once; the server's own session message
 *  (the store locked it at the deadline) follows. */
function tick() {
  if (!session) return;
  if (countdowns.expire(session).length) render();
  else showCountdown();
}
setInterval(tick, TICK_MS);

function showCountdown() {
  const question = current();
  const left = question && question.state === "open" ? countdowns.left(question.id) : null;
  const timer = $("countdown");
  timer.hidden = left === null;
  if (left === null) return;
  timer.textContent = clockText(left);
  timer.toggleAttribute("data-ending", left <= 10);
}

function startCountdown(seconds) {
  const question = current();
  if (question && Number.isInteger(seconds)) control("countdown", question.id, { seconds });
}

const countdownForm = $("countdown-form");
countdownForm.addEventListener("submit", (event) => {
  event.preventDefault();
  startCountdown(countdownForm.elements.seconds.valueAsNumber);
});
countdownForm.addEventListener("click", (event) => {
  const preset = event.target.closest("button[data-seconds]");
  if (preset) startCountdown(Number(preset.dataset.seconds));
});

// -- results -------------------------------------------------------------------------------
function drawResults(holder, question, data) {
  kindOf(question.kind).present(holder, question, data, { t, n, number, percent });
}

$("results").addEventListener("click", async (event) => {
  const button = event.target.closest("button.moderate");
  if (!button) return;
  button.disabled = true;
  // a story or Q&A post: hide or show it; approve a post, mark it answered
  await post(`${api}/moderation`, { item: button.dataset.item, [button.dataset.change]: button.dataset.to === "true" });
});

// -- reactions -----------------------------------------------------------------------------
// Each reaction rises and fades. A room tapping at once would put hundreds of elements on a
// projector laptop: beyond MAX_FLOATING on screen the rest are only counted in the tally.
const MAX_FLOATING = 30;
const reactionLayer = $("reaction-layer");
const tally = $("reaction-tally");
const calm = matchMedia("(prefers-reduced-motion: reduce)");

function showReactions(counts) {
  for (const [name, count] of Object.entries(counts)) {
    const item = tally.querySelector(`li[data-reaction="${CSS.escape(name)}"]`);
    if (!item || !Number.isInteger(count) || count < 1) continue;
    const total = item.querySelector(".tally-count");
    const sum = Number(total.dataset.total || 0) + count;
    total.dataset.total = String(sum);
    total.textContent = number.format(sum);
    if (!calm.matches) float(item.dataset.emoji, count);
  }
  tally.hidden = !calm.matches; // with reduced motion a quiet tally stands in for the floating
}

function float(emoji, count) {
  const room = Math.min(count, MAX_FLOATING - reactionLayer.childElementCount);
  for (let i = 0; i < room; i += 1) {
    const floater = h("span", { class: "floater", text: emoji });
    floater.style.insetInlineStart = `${5 + Math.random() * 20}%`;
    floater.style.animationDelay = `${Math.random() * 0.6}s`; // a burst rises as a stream
    floater.addEventListener("animationend", () => floater.remove());
    setTimeout(() => floater.remove(), 5000); // in case no animation runs at all
    reactionLayer.append(floater);
  }
}

// -- controls ------------------------------------------------------------------------------
async function post(url, payload) {
  try {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json" }, body: JSON.stringify(payload),
    });
    if (!response.ok) { $("link-state").textContent = t("action_failed"); return null; }
    return await response.json();
  } catch {
    $("link-state").textContent = t("action_failed");
    return null;
  }
}

async function control(action, question, extra = {}) {
  const updated = await post(`${api}/control`, question ? { action, question, ...extra } : { action });
  if (updated && updated.questions) {
    session = updated;
    countdowns.update(session);
    render();
  }
}

function step(by) {
  if (!session || !session.questions.length) return;
  const question = current();
  const at = question ? session.questions.indexOf(question) : -1;
  const target = session.questions[Math.max(0, Math.min(session.questions.length - 1, at + by))];
  if (target && target !== question) control("goto", target.id);
}

function toggleLock() {
  const question = current();
  if (question) control(question.state === "open" ? "lock" : "open", question.id);
}

function toggleResults() {
  const question = current();
  if (question) control(question.results_visible ? "hide_results" : "show_results", question.id);
}

/** Results the screen shows while voting go to the phones too (show_results shares). */
function shareResults() {
  const question = current();
  if (question) control("show_results", question.id);
}

// -- language filter -----------------------------------------------------------------------
filterSwitch.addEventListener("change", async () => {
  const updated = await post(`${api}/settings`, { profanity_filter: filterSwitch.checked });
  if (updated && updated.questions) { session = updated; render(); }
  filterSwitch.blur(); // the clicker's keys go to the page again
});

function toggleOverlay(id, show) {
  const overlay = $(id);
  const visible = show === undefined ? overlay.hidden : show;
  overlay.hidden = !visible;
  if (visible) overlay.querySelector("[data-close]")?.focus();
}

function toggleBlank() { $("blank").hidden = !$("blank").hidden; }

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen?.();
  else document.documentElement.requestFullscreen?.().catch(() => {});
}

const actions = {
  next: () => step(1), prev: () => step(-1), lock: toggleLock, results: toggleResults, share: shareResults,
  qr: () => toggleOverlay("qr-overlay"), help: () => toggleOverlay("help"),
  blank: toggleBlank, fullscreen: toggleFullscreen,
};

$("controls").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-do]");
  if (button) actions[button.dataset.do]();
});
for (const close of document.querySelectorAll("[data-close]")) {
  close.addEventListener("click", () => { close.closest(".overlay").hidden = true; });
}

const KEYS = {
  PageDown: "next", ArrowRight: "next", ArrowDown: "next", " ": "next", n: "next", N: "next",
  PageUp: "prev", ArrowLeft: "prev", ArrowUp: "prev", p: "prev", P: "prev",
  b: "blank", B: "blank", ".": "blank", f: "fullscreen", F: "fullscreen",
  l: "lock", L: "lock", h: "results", H: "results", q: "qr", Q: "qr", "?": "help",
};

function typing(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (event.key === "Escape") {
    for (const id of ["help", "qr-overlay", "blank"]) $(id).hidden = true;
    return;
  }
  // Space and arrows on a focused button keep their usual meaning.
  if (event.target instanceof HTMLButtonElement && [" ", "Enter"].includes(event.key)) return;
  const action = KEYS[event.key];
  if (!action) return;
  if (!$("blank").hidden && action !== "blank") $("blank").hidden = true;
  event.preventDefault();
  actions[action]();
});
