// word_cloud: one to max_words short words on the phone; on the screen, the words sized by
// how many gave them, kept in place as counts change so that the cloud does not jump about.
import { h } from "../dom.js";
import { promptLegend, sendButton } from "./parts.js";

export const sendsOnChange = false;
const SHOWN = 60; // the most frequent words that fit a projector; the rest are counted
const BELOW = 290; // pixels under the cloud for the count, the join code and the controls

export function phone(q, ctx) {
  const given = Array.isArray(ctx.value) ? ctx.value : [];
  const fields = [];
  for (let i = 0; i < q.max_words; i += 1) {
    const id = `word-${q.id}-${i}`;
    fields.push(h("p", { class: "word-field" },
      h("label", { for: id, text: ctx.t("word_n", { n: ctx.number.format(i + 1) }) }),
      h("input", { id, type: "text", value: given[i] || "", autocomplete: "off",
        enterkeyhint: i === q.max_words - 1 ? "send" : "next", dir: "auto", disabled: !ctx.open })));
  }
  const set = h("fieldset", {}, promptLegend(q), ...fields);
  set.addEventListener("input", () => ctx.draft(read(set) || []));
  return [set, sendButton(ctx)];
}

export function read(form) {
  const words = [...form.querySelectorAll("input[type=text]")].map((i) => i.value.trim()).filter(Boolean);
  return words.length ? words : null;
}

export function present(holder, question, data, { t, number }) {
  const words = (data.result || {}).words || [];
  if (holder.dataset.kind !== question.kind) {
    holder.dataset.kind = question.kind;
    holder.replaceChildren(h("ul", { class: "cloud", "aria-label": t("words") }), h("p", { class: "cloud-more" }));
  }
  const cloud = holder.querySelector(".cloud");
  const shown = words.slice(0, SHOWN);
  const top = shown.length ? shown[0].count : 1;
  const least = shown.length ? shown[shown.length - 1].count : 1;
  const known = new Map([...cloud.children].map((li) => [li.dataset.word, li]));
  // Alphabetical order keeps a word where it was while counts change; size says how often.
  for (const word of [...shown].sort((a, b) => a.text.localeCompare(b.text))) {
    const li = known.get(word.text) || h("li", { "data-word": word.text, dir: "auto" },
      h("span", { class: "word", text: word.text }), " ", h("span", { class: "count" }));
    li.querySelector(".count").textContent = number.format(word.count);
    li.style.fontSize = `${(0.9 + 2.6 * Math.sqrt(word.count / top)).toFixed(2)}em`;
    li.classList.toggle("top", word.count === top && top > least);
    cloud.append(li); // moves a known word into order, adds a new one
    known.delete(word.text);
  }
  for (const gone of known.values()) gone.remove();
  const more = words.length - shown.length;
  const notes = [];
  if (more > 0) notes.push(t("words_more", { n: number.format(more) }));
  if (data.result.filtered) notes.push(t("words_filtered", { n: number.format(data.result.filtered) }));
  holder.querySelector(".cloud-more").textContent = notes.join(" · ");
  fit(cloud);
}

/** Shrink the whole cloud (its words are sized in em) until it fits above the screen's
 *  bottom, so that many words never make the projector scroll. */
function fit(cloud) {
  cloud.style.fontSize = "";
  const box = cloud.getBoundingClientRect();
  // what the page shows under the cloud (its notes, the counter, the controls) stays put
  const below = Math.max(BELOW, document.documentElement.scrollHeight - (box.bottom + window.scrollY));
  const room = window.innerHeight - box.top - below;
  let scale = 1;
  while (cloud.scrollHeight > room && scale > 0.25) {
    scale *= 0.85;
    cloud.style.fontSize = `${Math.round(scale * 100)}%`;
  }
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  settings: [{ name: "max_words", type: "number", min: 1, max: 10 }, { name: "language", type: "text", max: 2 }],
  defaults: { max_words: 3, max_length: 25 },
};
