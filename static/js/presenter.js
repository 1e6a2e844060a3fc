// The facilitator's view, on the laptop: the controls, the question on the screen with its
// live result and moderation, what comes next, the countdown, the room's numbers. The
// audience screen (/screen/{id}) follows it; the keys are the clicker's on both.
import { listenForKeys, returnFocusAfterClick } from "./keys.js";
import { showReactions } from "./reactions.js";
import { Stage } from "./stage.js";
import { INITIAL_VIEW, shareView } from "./sync.js";
import { followTheme, pickTheme } from "./theme.js";

const $ = (id) => document.getElementById(id);
const filterSwitch = $("language-filter");

let view = { ...INITIAL_VIEW };
const stage = new Stage({
  onChange: render,
  onReactions: (counts) => showReactions(counts, { tally: $("reaction-tally"), number: stage.text.number }),
});
const { t, n, number } = stage.text;
const share = shareView(document.body.dataset.session, {
  current: () => ({ ...view, review: stage.review }),
  onView(shared) {
    view = shared;
    stage.review = shared.review;
    render();
  },
});

function setView(change) {
  view = { ...view, ...change };
  share({ ...view, review: stage.review });
  render();
}

function render() {
  if (!stage.session) return;
  filterSwitch.checked = Boolean(stage.session.profanity_filter);
  const question = stage.drawSlides();
  drawRoom(question);
  drawNext(question);
  drawScreenState();
  updateButtons(question);
  if (question) stage.drawQuestion(question, { controls: !stage.ended, sorted: view.sorted, order: view.qaOrder });
}

/** Phones joined (with a socket on this server) and, on a question, how many answered. */
function drawRoom(question) {
  const joined = n("joined", stage.connected);
  const answered = question ? stage.data(question).responses : null;
  $("room-count").textContent = answered === null ? joined : `${joined} · ${n("answered", answered)}`;
  const joinedOnSlide = $("joined");
  if (joinedOnSlide) joinedOnSlide.textContent = joined;
  if (question) $("counter").textContent = answeredText(answered);
}

function answeredText(responses) {
  if (stage.connected > 0 && stage.connected >= responses && !stage.ended) {
    return n("answered_of", responses, { total: number.format(stage.connected) });
  }
  return n("responses", responses);
}

function drawNext(question) {
  const next = stage.after(question);
  const total = stage.session.questions.length;
  $("next-position").textContent = next
    ? t("position", { n: number.format(stage.session.questions.indexOf(next) + 1), total: number.format(total) })
    : "";
  $("next-prompt").textContent = next ? next.prompt : t("no_next");
}

function drawScreenState() {
  $("blank-button").setAttribute("aria-pressed", String(view.blank));
  $("qr-button").setAttribute("aria-pressed", String(view.qr));
  $("sort-button").setAttribute("aria-pressed", String(view.sorted));
  $("screen-state").textContent = view.blank ? t("screen_blank") : view.qr ? t("screen_qr") : "";
}

function updateButtons(question) {
  const live = !stage.ended;
  const lock = $("lock-button");
  const show = $("results-button");
  lock.disabled = show.disabled = !question || !live;
  for (const control of $("countdown-form").elements) control.disabled = !question || !live;
  filterSwitch.disabled = !live;
  $("end-button").disabled = !live;
  $("qr-button").disabled = !live;
  $("share-button").hidden = true;
  const groups = $("groups-button");
  groups.hidden = !question || !question.can_split;
  groups.disabled = !live;
  groups.setAttribute("aria-pressed", String(Boolean(question && question.split)));
  if (!question || !live) return;
  lock.textContent = question.state === "open" ? t("lock") : t("open");
  show.textContent = question.results_visible ? t("hide_results") : t("show_results");
  show.setAttribute("aria-pressed", String(!question.results_visible));
  // shown on the screen while voting, the results reach the phones only when revealed
  $("share-button").hidden = !question.results_visible || question.results_shared;
}

// -- countdown -----------------------------------------------------------------------------
function startCountdown(seconds) {
  const question = stage.shown();
  if (question && Number.isInteger(seconds)) stage.control("countdown", question.id, { seconds });
}

const countdownForm = $("countdown-form");
countdownForm.addEventListener("submit", (event) => {
  event.preventDefault();
  startCountdown(countdownForm.elements.seconds.valueAsNumber);
  document.activeElement?.blur(); // the clicker's keys go to the page again
});
countdownForm.addEventListener("click", (event) => {
  const preset = event.target.closest("button[data-seconds]");
  if (preset) startCountdown(Number(preset.dataset.seconds));
});

// -- moderation ----------------------------------------------------------------------------
$("results").addEventListener("click", async (event) => {
  const order = event.target.closest("button.qa-sort");
  if (order) { setView({ qaOrder: order.dataset.order }); return; }
  const button = event.target.closest("button.moderate");
  if (!button) return;
  button.disabled = true;
  // a story or Q&A post: hide or show it; approve a post, mark it answered
  await stage.post(`${stage.api}/moderation`, { item: button.dataset.item, [button.dataset.change]: button.dataset.to === "true" });
});

filterSwitch.addEventListener("change", () => stage.settings({ profanity_filter: filterSwitch.checked }));

// -- controls ------------------------------------------------------------------------------
function toggleLock() {
  const question = stage.shown();
  if (question && !stage.ended) stage.control(question.state === "open" ? "lock" : "open", question.id);
}

function toggleResults() {
  const question = stage.shown();
  if (question && !stage.ended) stage.control(question.results_visible ? "hide_results" : "show_results", question.id);
}

/** The question side by side per segment group, on this view and the screen. */
function toggleGroups() {
  const question = stage.shown();
  if (question && !stage.ended && question.can_split) {
    stage.control(question.split ? "unsplit" : "split", question.id);
  }
}

/** Results the screen shows while voting go to the phones too (show_results shares). */
function shareResults() {
  const question = stage.shown();
  if (question) stage.control("show_results", question.id);
}

function move(by) {
  if (view.blank || view.qr) setView({ blank: false, qr: false });
  stage.step(by);
  if (stage.ended) share({ ...view, review: stage.review });
}

async function endSession() {
  if (stage.ended || !window.confirm(t("confirm_end"))) return;
  await stage.control("end");
  stage.review = null;
  setView({ qr: false });
}

function toggleHelp(show) {
  const help = $("help");
  help.hidden = !(show ?? help.hidden);
  if (!help.hidden) help.querySelector("[data-close]").focus();
}

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen?.();
  else document.documentElement.requestFullscreen?.().catch(() => {});
}

const actions = {
  next: () => move(1), prev: () => move(-1), lock: toggleLock, results: toggleResults, share: shareResults,
  groups: toggleGroups,
  sort: () => setView({ sorted: !view.sorted }),
  qr: () => setView({ qr: !view.qr && !stage.ended }),
  blank: () => setView({ blank: !view.blank }),
  escape() { toggleHelp(false); setView({ blank: false, qr: false }); },
  help: () => toggleHelp(), fullscreen: toggleFullscreen, end: endSession,
};

$("controls").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-do]");
  if (button) actions[button.dataset.do]();
});
$("help").querySelector("[data-close]").addEventListener("click", () => toggleHelp(false));
returnFocusAfterClick(document.body);
listenForKeys(actions);

/** The audience screen in a window of its own, sized for a projector; the link still opens
 *  it (in a tab) where windows are refused. */
$("open-screen").addEventListener("click", (event) => {
  const link = event.currentTarget;
  const opened = window.open(link.href, link.target, "popup,width=1280,height=720");
  if (opened) event.preventDefault();
});

// -- theme ---------------------------------------------------------------------------------
const themes = $("theme");
function pressTheme(theme) {
  for (const button of themes.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.theme === theme));
  }
}
themes.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-theme]");
  if (!button) return;
  pickTheme(button.dataset.theme);
  pressTheme(button.dataset.theme);
});
followTheme(pressTheme);

$("reaction-tally").hidden = false; // the facilitator's view counts reactions quietly
stage.connect();
