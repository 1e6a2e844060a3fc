// scale: a row of points per statement; a statement left out is a skip.
import { h } from "../dom.js";
import { promptLegend, sendButton } from "./parts.js";

export const sendsOnChange = false;

export function phone(q, ctx) {
  const value = ctx.value || {};
  const { number } = ctx;
  const rows = q.statements.map((s) => {
    const name = `${q.id}:${s.id}`;
    const points = [];
    for (let v = q.min; v <= q.max; v += 1) {
      const end = v === q.min ? q.min_label : v === q.max ? q.max_label : null;
      points.push(h("label", { class: "point" },
        h("input", { type: "radio", name, value: v, "data-statement": s.id, checked: value[s.id] === v, disabled: !ctx.open }),
        h("span", { "aria-hidden": "true", text: number.format(v) }),
        h("span", { class: "sr-only", text: end ? `${number.format(v)}, ${end}` : number.format(v) })));
    }
    return h("fieldset", { class: "statement" }, h("legend", { text: s.label }),
      h("div", { class: "points" }, points),
      h("div", { class: "ends", "aria-hidden": "true" },
        h("span", { text: q.min_label || "" }), h("span", { text: q.max_label || "" })));
  });
  const set = h("fieldset", {}, promptLegend(q), ...rows);
  set.addEventListener("change", () => ctx.draft(read(set)));
  return [set, sendButton(ctx)];
}

export function read(form) {
  const value = {};
  for (const input of form.querySelectorAll("input:checked")) value[input.dataset.statement] = Number(input.value);
  return Object.keys(value).length ? value : null;
}

/** One distribution per statement; the scale's end labels once, above them all. */
export function present(holder, question, data, { t, n, number }) {
  holder.dataset.kind = question.kind;
  const statements = data.result.statements || {};
  const ends = question.min_label || question.max_label
    ? h("p", { class: "ends scale-ends" },
      h("span", { dir: "auto", text: `${number.format(question.min)} = ${question.min_label || ""}` }),
      h("span", { dir: "auto", text: `${number.format(question.max)} = ${question.max_label || ""}` }))
    : null;
  holder.replaceChildren(...[ends || []].flat(), ...question.statements.map((statement) => {
    const found = statements[statement.id] || { n: 0, mean: null, counts: {} };
    const points = [];
    for (let v = question.min; v <= question.max; v += 1) points.push(v);
    const total = found.n || 0;
    const segments = points.map((v, i) => {
      const share = total ? (found.counts[String(v)] || 0) / total : 0;
      const segment = h("span", { class: "segment", text: share >= 0.08 ? number.format(v) : "" });
      segment.style.inlineSize = `${share * 100}%`;
      const strength = points.length > 1 ? 25 + Math.round((75 * i) / (points.length - 1)) : 100;
      segment.style.backgroundColor = `color-mix(in srgb, var(--accent) ${strength}%, var(--paper))`;
      if (strength > 55) segment.classList.add("strong");
      return segment;
    });
    const mean = found.mean === null || found.mean === undefined ? "–" : number.format(found.mean);
    const legend = points.map((v) => `${number.format(v)}: ${number.format(found.counts[String(v)] || 0)}`).join(" · ");
    return h("section", { class: "scale-row" },
      h("h2", { class: "label", dir: "auto", text: statement.label }),
      h("div", { class: "distribution", "aria-hidden": "true" }, segments),
      h("p", { class: "scale-facts" },
        h("strong", { text: t("mean", { mean }) }), " ",
        h("span", { text: n("answers", total) }), " ",
        h("span", { class: "legend", text: legend })));
  }));
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview), and what a new question starts with
export const editor = {
  settings: [{ name: "statements", type: "lines" }, { name: "min", type: "number", min: -10, max: 10 },
    { name: "max", type: "number", min: -10, max: 10 }, { name: "min_label", type: "text", max: 80 },
    { name: "max_label", type: "text", max: 80 }],
  defaults: { min: 1, max: 5 },
  blank: (t) => ({ statements: [t("editor.first_statement")] }),
};
