// qa: participants post their own questions and upvote the room's. On the phone: a box to
// ask, and the room's questions with a vote button each (none on one's own). On the screen:
// the questions by votes or newest; the facilitator's view also approves, marks answered
// and hides them.
import { h } from "../dom.js";
import { textCounter } from "./parts.js";

export const sendsOnChange = false;
export const itemized = true; // every post and vote is its own answer, not one per person

export function phone(q, ctx) {
  const id = `ask-${q.id}`;
  const countId = `count-${q.id}`;
  const area = h("textarea", { id, name: "ask", rows: 3, dir: "auto", "aria-describedby": countId, disabled: !ctx.open });
  area.value = typeof ctx.draftValue === "string" ? ctx.draftValue : "";
  area.addEventListener("input", () => ctx.draft(area.value));
  const counter = textCounter(area, q.max_length, ctx, countId);
  const ask = h("button", { type: "submit", class: "primary", disabled: !ctx.open, text: ctx.t("qa_ask") });
  const list = h("ul", { class: "qa-items", "aria-label": ctx.t("qa_room") });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.vote");
    if (!button || button.disabled) return;
    const up = button.getAttribute("aria-pressed") !== "true";
    ctx.submit({ [up ? "upvote" : "unvote"]: button.dataset.item });
    button.setAttribute("aria-pressed", String(up)); // shown at once; the next push corrects
  });
  const parts = [h("label", { for: id, class: "prompt" }, q.prompt), area, counter, ask,
    h("h3", { class: "qa-heading", text: ctx.t("qa_room") }), list];
  if (q.moderation) parts.splice(3, 0, h("p", { class: "hint", text: ctx.t("qa_moderated") }));
  refresh(list, q, ctx);
  return parts;
}

/** Redraw the room's questions (results and own votes changed), keeping what is typed. */
export function refresh(root, q, ctx) {
  const list = root.matches(".qa-items") ? root : root.querySelector(".qa-items");
  if (!list) return;
  const own = ctx.value && typeof ctx.value === "object" ? ctx.value : {};
  const mine = new Set(own.posts || []);
  const voted = new Set(own.votes || []);
  const items = ((ctx.result || {}).items || []);
  if (!items.length) {
    list.replaceChildren(h("li", { class: "muted", text: ctx.t("qa_none") }));
    return;
  }
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.item : null;
  list.replaceChildren(...items.map((item) => phoneItem(item, mine.has(item.id), voted.has(item.id), ctx)));
  // a keyboard user keeps their place while the room votes and the list is redrawn
  const again = focused && list.querySelector(`button.vote[data-item="${CSS.escape(focused)}"]`);
  if (again) again.focus({ preventScroll: true });
}

function phoneItem(item, mine, voted, ctx) {
  const votes = ctx.n("qa_votes", item.votes);
  const row = h("li", { class: `qa-item${item.answered ? " is-answered" : ""}`, "data-id": item.id },
    h("p", { class: "qa-text", dir: "auto", text: item.text }));
  const meta = h("p", { class: "qa-meta" });
  if (mine) meta.append(h("span", { class: "badge", text: ctx.t("qa_yours") }));
  if (item.answered) meta.append(h("span", { class: "badge", text: ctx.t("qa_answered") }));
  if (mine) meta.append(h("span", { class: "qa-count", text: votes }));
  else {
    meta.append(h("button", { type: "button", class: "vote", "data-item": item.id, "aria-pressed": String(voted),
      disabled: !ctx.open, "aria-label": ctx.t("qa_vote_for", { votes, text: item.text.slice(0, 80) }) },
    h("span", { "aria-hidden": "true", text: "▲ " }), votes));
  }
  row.append(meta);
  return row;
}

/** What this phone owns after an acknowledged post or vote (the ack names a new post). */
export function acked(own, value, item) {
  const next = { posts: [...((own || {}).posts || [])], votes: [...((own || {}).votes || [])] };
  if ("ask" in value && item) next.posts.push(String(item));
  if ("upvote" in value && !next.votes.includes(value.upvote)) next.votes.push(value.upvote);
  if ("unvote" in value) next.votes = next.votes.filter((id) => id !== value.unvote);
  return next;
}

/** A question was stored: the box is empty for the next one, unless something else was
 *  typed since. (Only on the ack: a refused question stays for the asker to shorten.) */
export function sent(root, value) {
  const area = root.querySelector("textarea[name=ask]");
  if (!area || !("ask" in value) || area.value.trim() !== value.ask) return;
  area.value = "";
  area.dispatchEvent(new Event("input"));
}

export function read(form) {
  const text = form.querySelector("textarea").value.trim();
  return text ? { ask: text } : null;
}

/** Most votes first or newest first (the facilitator's pick, kept per question). The
 *  screen shows neither posts waiting for approval nor the text of hidden or filtered
 *  ones; the facilitator's view folds the waiting ones away until opened, since today it
 *  is also what the projector shows. */
export function present(holder, question, data, { t, n, number, controls = true, order: picked }) {
  const ctx = { t, n, number, controls };
  if (holder.dataset.kind !== "qa") {
    holder.dataset.kind = "qa";
    holder.dataset.order = "votes";
    const order = h("p", { class: "qa-order" },
      ...["votes", "newest"].map((key) => h("button", { type: "button", class: "qa-sort", "data-order": key,
        "aria-pressed": String(key === "votes"), text: t(`qa_by_${key}`) })));
    order.addEventListener("click", (event) => {
      const button = event.target.closest("button.qa-sort");
      if (!button) return;
      holder.dataset.order = button.dataset.order;
      for (const b of order.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === button));
      present(holder, question, holder.lastData, ctx);
    });
    const waiting = h("details", { class: "qa-waiting", hidden: true }, h("summary"), h("ol", { class: "qa-board" }));
    holder.replaceChildren(...(controls ? [order] : []), waiting, h("ol", { class: "qa-board qa-shown", "aria-label": t("qa_room") }));
  }
  holder.lastData = data;
  if (picked) holder.dataset.order = picked; // the facilitator's pick, also on the screen
  for (const b of holder.querySelectorAll("button.qa-sort")) b.setAttribute("aria-pressed", String(b.dataset.order === holder.dataset.order));
  const all = [...((data.result || {}).items || [])];
  if (holder.dataset.order === "newest") all.sort((a, b) => Number(b.id) - Number(a.id));
  const waiting = controls ? all.filter((i) => i.pending) : [];
  const shown = all.filter((i) => !i.pending && (controls || (!i.hidden && !i.filtered)));
  const fold = holder.querySelector(".qa-waiting");
  fold.hidden = !waiting.length;
  fold.querySelector("summary").textContent = n("qa_waiting", waiting.length);
  redraw(fold.querySelector(".qa-board"), waiting, ctx);
  redraw(holder.querySelector(".qa-shown"), shown, ctx);
  if (!shown.length) holder.querySelector(".qa-shown").append(h("li", { class: "muted", text: t("qa_none") }));
}

/** Replace a list's posts, keeping keyboard focus on the post and button it was on. */
function redraw(board, items, ctx) {
  const focused = board.contains(document.activeElement) ? document.activeElement : null;
  board.replaceChildren(...items.map((item) => boardItem(item, ctx)));
  if (!focused) return;
  const row = board.querySelector(`[data-id="${CSS.escape(focused.dataset.item || "")}"]`);
  const target = row && (row.querySelector(`[data-change="${focused.dataset.change}"]`) || row.querySelector("button"));
  if (target) target.focus({ preventScroll: true });
}

function boardItem(item, { t, n, number, controls }) {
  const masked = item.hidden || item.filtered;
  const state = item.pending ? " is-pending" : masked ? " is-hidden" : item.answered ? " is-answered" : "";
  const text = item.hidden ? t("story_hidden") : item.filtered ? t("story_filtered") : item.text;
  const row = h("li", { class: `qa-post${state}`, "data-id": item.id },
    h("span", { class: "qa-votes", text: number.format(item.votes), title: n("qa_votes", item.votes) }),
    h("p", { class: `qa-text${masked ? " muted" : ""}`, dir: "auto", text }));
  if (item.pending) row.append(h("span", { class: "badge", text: t("qa_pending") }));
  else if (item.answered) row.append(h("span", { class: "badge", text: t("qa_answered") }));
  if (!controls) return row;
  const actions = h("span", { class: "qa-actions" });
  const action = (change, to, label) => h("button", { type: "button", class: "moderate", "data-item": item.id,
    "data-change": change, "data-to": String(to), text: label });
  if (item.pending) actions.append(action("approved", true, t("qa_approve")));
  else actions.append(action("answered", !item.answered, item.answered ? t("qa_unanswer") : t("qa_mark_answered")));
  actions.append(action("hidden", !item.hidden, item.hidden ? t("story_show") : t("story_hide")));
  row.append(actions);
  return row;
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  settings: [{ name: "max_length", type: "number", min: 1, max: 1000 }, { name: "moderation", type: "checkbox" }],
  defaults: { max_length: 280 },
};
