// ranking: put the items in order with Move up / Move down (keyboard and thumb alike, no
// dragging needed); the first max_rank places are sent. The screen sorts items by points.
import { h } from "../dom.js";
import { promptLegend, sendButton } from "./parts.js";

export const sendsOnChange = false;

/** The saved order first, then the items not ranked yet, in the question's order. */
function startOrder(q, value) {
  const ranked = Array.isArray(value) ? value.filter((id) => q.items.some((i) => i.id === id)) : [];
  return [...ranked, ...q.items.map((i) => i.id).filter((id) => !ranked.includes(id))];
}

export function phone(q, ctx) {
  const { t, number } = ctx;
  const labels = Object.fromEntries(q.items.map((i) => [i.id, i.label]));
  let order = startOrder(q, ctx.value);
  const list = h("ol", { class: "ranking" });
  const said = h("p", { class: "sr-only", "aria-live": "polite" });

  const move = (id, step) => {
    const from = order.indexOf(id);
    const to = from + step;
    if (to < 0 || to >= order.length) return;
    order = [...order];
    [order[from], order[to]] = [order[to], order[from]];
    ctx.draft(order.slice(0, q.max_rank));
    draw();
    said.textContent = t("ranking_moved", { label: labels[id], n: number.format(to + 1) });
    list.querySelector(`[data-item="${CSS.escape(id)}"] [data-step="${step}"]`)?.focus();
  };

  function draw() {
    list.replaceChildren(...order.map((id, place) => {
      const row = h("li", { class: `rank-row${place < q.max_rank ? "" : " unranked"}`, "data-item": id },
        h("span", { class: "rank-place", "aria-hidden": "true", text: place < q.max_rank ? number.format(place + 1) : "–" }),
        h("span", { class: "rank-label", dir: "auto", text: labels[id] }),
        h("button", { type: "button", class: "rank-move", "data-step": "-1", disabled: !ctx.open || place === 0,
          "aria-label": t("move_up", { label: labels[id] }), text: "↑" }),
        h("button", { type: "button", class: "rank-move", "data-step": "1", disabled: !ctx.open || place === order.length - 1,
          "aria-label": t("move_down", { label: labels[id] }), text: "↓" }));
      return row;
    }));
    if (q.max_rank < order.length) {
      list.children[q.max_rank].before(h("li", { class: "rank-cut", text: t("ranked_below") }));
    }
  }
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.rank-move");
    if (button) move(button.closest("li").dataset.item, Number(button.dataset.step));
  });
  draw();
  const hintId = `hint-${q.id}`;
  const set = h("fieldset", { "aria-describedby": hintId }, promptLegend(q),
    h("p", { class: "hint", id: hintId, text: t("ranking_hint", { n: number.format(q.max_rank) }) }), list, said);
  set.ranking = () => order.slice(0, q.max_rank);
  return [set, sendButton(ctx)];
}

export function read(form) {
  const set = form.querySelector("fieldset");
  if (set && typeof set.ranking === "function") return set.ranking();
  // the server's own form: one select per place
  const picked = [...form.querySelectorAll("select[data-place]")].map((s) => s.value).filter(Boolean);
  return picked.length ? picked : null;
}

export function present(holder, question, data, { t, number }) {
  holder.dataset.kind = question.kind;
  const found = data.result.items || {};
  const top = Math.max(1, ...question.items.map((i) => (found[i.id] || {}).points || 0));
  const sorted = [...question.items].sort((a, b) => ((found[b.id] || {}).points || 0) - ((found[a.id] || {}).points || 0));
  holder.replaceChildren(h("ol", { class: "bars ranked" }, sorted.map((item) => {
    const entry = found[item.id] || { points: 0, mean_rank: null, n: 0 };
    const fill = h("span", { class: "fill" });
    fill.style.inlineSize = `${Math.round((entry.points / top) * 1000) / 10}%`;
    const mean = entry.mean_rank === null || entry.mean_rank === undefined ? "–" : number.format(entry.mean_rank);
    return h("li", { class: "bar-row" },
      h("span", { class: "label", dir: "auto", text: item.label }),
      h("span", { class: "track", "aria-hidden": "true" }, fill),
      h("span", { class: "value", text: t("ranking_value", { points: number.format(entry.points), mean }) }));
  })));
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  settings: [{ name: "items", type: "lines" }, { name: "max_rank", type: "number", min: 1, max: 20 }],
  defaults: {},
};
