// The audience screen, on the projector: the content and nothing else, following the
// facilitator's view live. The join slide, the question with its result fitted to the
// screen, the countdown big, the room's reactions rising. The clicker's keys work here too.
import { Pager, shrinkToFit } from "./fit.js";
import { listenForKeys } from "./keys.js";
import { showReactions } from "./reactions.js";
import { Stage } from "./stage.js";
import { INITIAL_VIEW, shareView } from "./sync.js";
import { followTheme } from "./theme.js";

const $ = (id) => document.getElementById(id);
// Smallest type, as a share of the usual: bars and clouds may get small before anything is
// left out; stories are read aloud from the back row, so they page sooner.
const TYPE_FLOOR = 0.5;
const LIST_FLOOR = 0.75;
// Groups side by side have less room each: their type may get smaller still.
const GROUPS_FLOOR = 0.4;

let view = { ...INITIAL_VIEW };
let onView = null; // the question id the pager counts pages of
const stage = new Stage({
  onChange: render,
  onReactions: (counts) => showReactions(counts, { tally: $("reaction-tally"), layer: $("reaction-layer"), number: stage.text.number }),
});
const share = shareView(document.body.dataset.session, {
  current: () => ({ ...view, review: stage.review }),
  onView(shared) {
    view = shared;
    stage.review = shared.review;
    render();
  },
});
const pager = new Pager(notePage);

function render() {
  if (!stage.session) return;
  $("blank").hidden = !view.blank;
  const overlay = $("qr-overlay");
  if (overlay) overlay.hidden = !view.qr || stage.ended;
  const question = stage.drawSlides();
  const joined = $("joined");
  if (joined) joined.textContent = stage.text.n("joined", stage.connected);
  if (!question) { notePage(null); return; }
  if (question.id !== onView) { pager.reset(); onView = question.id; }
  $("counter").textContent = answeredText(stage.data(question).responses);
  const visible = stage.drawQuestion(question, { controls: false, sorted: view.sorted, order: view.qaOrder });
  if (visible) fit();
  else notePage(null);
}

/** "37 of 52 answered" while the phones in the room outnumber the answers; answers sent
 *  over HTTP or to another worker can outnumber this worker's phones: then a plain count. */
function answeredText(responses) {
  const { n, number } = stage.text;
  if (stage.connected > 0 && stage.connected >= responses && !stage.ended) {
    return n("answered_of", responses, { total: number.format(stage.connected) });
  }
  return n("responses", responses);
}

function fit() {
  const holder = $("results");
  if (holder.dataset.kind === "groups") { fitGroups(holder); notePage(null); return; }
  const list = holder.querySelector(".stories, .qa-shown");
  if (list) pager.schedule(pager.fit(holder, list, LIST_FLOOR), render);
  else { shrinkToFit(holder, TYPE_FLOOR); notePage(null); }
}

/** Groups side by side: smaller type first; stories that still do not fit give way, the
 *  oldest of the longest column first, so each column keeps its newest (never cut). */
function fitGroups(holder) {
  const lists = [...holder.querySelectorAll(".stories")].map((list) => [...list.children]);
  for (const card of lists.flat()) card.hidden = false;
  while (!shrinkToFit(holder, GROUPS_FLOOR)) {
    const shown = lists.map((cards) => cards.filter((card) => !card.hidden));
    const longest = shown.reduce((a, b) => (b.length > a.length ? b : a), []);
    if (longest.length <= 1) return;
    longest[longest.length - 1].hidden = true;
  }
}

function notePage(page) {
  const note = $("page-note");
  note.hidden = !page;
  if (page) note.textContent = stage.text.t("page_of", { from: page.from, to: page.to, total: page.total });
}

// -- the keys ------------------------------------------------------------------------------
function setView(change) {
  view = { ...view, ...change };
  share({ ...view, review: stage.review });
  render();
}

function moved(by) {
  if (view.blank || view.qr) setView({ blank: false, qr: false });
  stage.step(by);
  if (stage.ended) share({ ...view, review: stage.review });
}

function toggle(action, question) {
  if (question && !stage.ended) stage.control(action(question), question.id);
}

listenForKeys({
  next: () => moved(1),
  prev: () => moved(-1),
  lock: () => toggle((q) => (q.state === "open" ? "lock" : "open"), stage.shown()),
  results: () => toggle((q) => (q.results_visible ? "hide_results" : "show_results"), stage.shown()),
  groups() {
    const question = stage.shown();
    if (question && question.can_split) toggle((q) => (q.split ? "unsplit" : "split"), question);
  },
  blank: () => setView({ blank: !view.blank }),
  qr: () => setView({ qr: !view.qr && !stage.ended }),
  sort: () => setView({ sorted: !view.sorted }),
  escape: () => setView({ blank: false, qr: false }),
  fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen?.();
    else document.documentElement.requestFullscreen?.().catch(() => {});
  },
});

followTheme();
window.addEventListener("resize", render);
stage.connect();
