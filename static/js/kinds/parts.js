// Pieces that several kinds draw with: a question's legend, a choice, a send button, a bar.
import { h } from "../dom.js";

export function promptLegend(q) {
  return h("legend", { class: "prompt" }, q.prompt);
}

export function choiceInput(type, name, option, checked, open) {
  return h("label", { class: "choice" },
    h("input", { type, name, value: option.id, checked, disabled: !open }),
    h("span", { text: option.label }));
}

const graphemes = typeof Intl.Segmenter === "function" ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/** Characters as a person counts them (👍🏽 is one), as the server counts them too. */
export function characters(text) {
  return graphemes ? [...graphemes.segment(text)].length : [...text].length;
}

/** The counter under a text field: what is typed of the limit, and how far over it is.
 *  Nothing is cut: a text over the limit stays as typed and the server says no. */
export function textCounter(field, max, ctx, id) {
  const counter = h("p", { class: "counter", id });
  const count = () => {
    const n = characters(field.value);
    const numbers = { n: ctx.number.format(n), max: ctx.number.format(max), over: ctx.number.format(n - max) };
    counter.dataset.over = String(n > max);
    counter.textContent = ctx.t(n > max ? "characters_over" : "characters", numbers);
  };
  field.addEventListener("input", count);
  count();
  return counter;
}

export function sendButton(ctx) {
  return h("button", { type: "submit", class: "primary", disabled: !ctx.open, text: ctx.t("send") });
}

const HUES = 6; // the chart palette in results.css: told apart by colour-blind eyes too

function bar(share, hue) {
  const fill = h("span", { class: "fill", "data-hue": hue % HUES + 1 });
  fill.style.inlineSize = `${Math.round(share * 1000) / 10}%`;
  return h("span", { class: "track", "aria-hidden": "true" }, fill);
}

/** One bar per option, with its count and share of the answers; most chosen first when
 *  `sorted`. An option keeps its colour wherever it stands. */
export function choiceBars(question, data, { t, number, percent, sorted = false }) {
  const counts = data.result.counts || {};
  const total = data.responses || 0;
  const options = question.options.map((option, hue) => ({ option, hue, count: counts[option.id] || 0 }));
  if (sorted) options.sort((a, b) => b.count - a.count); // stable: ties keep the question's order
  return h("ol", { class: "bars" }, options.map(({ option, hue, count }) => {
    const share = total ? count / total : 0;
    return h("li", { class: "bar-row" },
      h("span", { class: "label", dir: "auto", text: option.label }),
      bar(share, hue),
      h("span", { class: "value", text: t("count_share", { count: number.format(count), share: percent.format(share) }) }));
  }));
}
