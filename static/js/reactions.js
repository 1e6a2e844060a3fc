// Reactions the room taps: each rises and fades on the audience screen. A room tapping at
// once would put hundreds of elements on a projector laptop: beyond MAX_FLOATING on screen
// the rest are only counted in the tally, which also stands in for the floating with
// reduced motion (and is all the facilitator's view shows).
import { h } from "./dom.js";

const MAX_FLOATING = 30;
const calm = matchMedia("(prefers-reduced-motion: reduce)");

/** Count reactions in the tally and, where motion is welcome and `layer` given, float them. */
export function showReactions(counts, { tally, layer, number }) {
  for (const [name, count] of Object.entries(counts)) {
    const item = tally.querySelector(`li[data-reaction="${CSS.escape(name)}"]`);
    if (!item || !Number.isInteger(count) || count < 1) continue;
    const total = item.querySelector(".tally-count");
    const sum = Number(total.dataset.total || 0) + count;
    total.dataset.total = String(sum);
    total.textContent = number.format(sum);
    if (layer && !calm.matches) float(layer, item.dataset.emoji, count);
  }
  tally.hidden = Boolean(layer) && !calm.matches;
}

function float(layer, emoji, count) {
  const room = Math.min(count, MAX_FLOATING - layer.childElementCount);
  for (let i = 0; i < room; i += 1) {
    const floater = h("span", { class: "floater", text: emoji });
    floater.style.insetInlineStart = `${5 + Math.random() * 20}%`;
    floater.style.animationDelay = `${Math.random() * 0.6}s`; // a burst rises as a stream
    floater.addEventListener("animationend", () => floater.remove());
    setTimeout(() => floater.remove(), 5000); // in case no animation runs at all
    layer.append(floater);
  }
}
