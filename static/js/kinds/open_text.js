// open_text: a story in the participant's words; the screen lists the newest first.
import { h } from "../dom.js";
import { sendButton, textCounter } from "./parts.js";

export const sendsOnChange = false;

export function phone(q, ctx) {
  const id = `text-${q.id}`;
  const countId = `count-${q.id}`;
  const area = h("textarea", { id, name: q.id, rows: 5, dir: "auto", "aria-describedby": countId, disabled: !ctx.open });
  area.value = ctx.value || "";
  area.addEventListener("input", () => ctx.draft(area.value));
  const counter = textCounter(area, q.max_length, ctx, countId);
  return [h("label", { for: id, class: "prompt" }, q.prompt), area, counter, sendButton(ctx)];
}

export function read(form) {
  const text = form.querySelector("textarea").value.trim();
  return text ? text : null;
}

/** Cards are kept, not redrawn, so that a story does not flash when another arrives.
 *  Without controls (the audience screen, phones) a hidden story simply is not there. */
export function present(holder, question, data, { t, controls = true }) {
  const items = (data.result.items || []).filter((item) => controls || !(item.hidden || item.filtered));
  if (holder.dataset.kind !== "open_text") {
    holder.dataset.kind = "open_text";
    holder.replaceChildren(h("ul", { class: "stories", "aria-label": t("stories") }));
  }
  const list = holder.querySelector(".stories");
  const known = new Map([...list.children].map((card) => [card.dataset.id, card]));
  for (const item of [...items].reverse()) { // newest first
    const id = String(item.id);
    const card = known.get(id);
    if (!card || card.dataset.hidden !== String(Boolean(item.hidden)) || card.dataset.filtered !== String(Boolean(item.filtered))) {
      const fresh = storyCard(item, Boolean(card), t, controls);
      if (card) card.replaceWith(fresh); else list.prepend(fresh);
    }
    known.delete(id);
  }
  for (const gone of known.values()) gone.remove();
  [...list.children].sort((a, b) => Number(b.dataset.id) - Number(a.dataset.id)).forEach((c) => list.append(c));
}

function storyCard(item, seen, t, controls) {
  const hidden = Boolean(item.hidden);
  const filtered = Boolean(item.filtered);
  const card = h("li", { class: `story${hidden || filtered ? " is-hidden" : ""}${seen ? "" : " arrive"}`, "data-id": item.id,
    "data-hidden": String(hidden), "data-filtered": String(filtered) });
  // fades in once: a card the screen hides for a page and shows again does not fade again
  for (const done of ["animationend", "animationcancel"]) card.addEventListener(done, () => card.classList.remove("arrive"));
  if (hidden) card.append(h("p", { class: "story-text muted", text: t("story_hidden") }));
  else if (filtered) card.append(h("p", { class: "story-text muted", text: t("story_filtered") }));
  else card.append(h("p", { class: "story-text", dir: "auto", text: item.text }));
  if (!controls) return card;
  card.append(h("button", { type: "button", class: "moderate", "data-item": item.id, "data-change": "hidden",
    "data-to": String(!hidden), text: hidden ? t("story_show") : t("story_hide") }));
  return card;
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  settings: [{ name: "max_length", type: "number", min: 1, max: 10000 }],
  defaults: { max_length: 1000 },
};
