// nps: 0 to 10, sent as soon as it is tapped; the screen shows the score and the three groups.
import { h } from "../dom.js";
import { promptLegend } from "./parts.js";

export const sendsOnChange = true;
const POINTS = [...Array(11).keys()];

export function phone(q, ctx) {
  const low = q.min_label || ctx.t("nps_min");
  const high = q.max_label || ctx.t("nps_max");
  const points = POINTS.map((v) => {
    const end = v === 0 ? low : v === 10 ? high : null;
    return h("label", { class: "point" },
      h("input", { type: "radio", name: q.id, value: v, checked: ctx.value === v, disabled: !ctx.open }),
      h("span", { "aria-hidden": "true", text: ctx.number.format(v) }),
      h("span", { class: "sr-only", text: end ? `${ctx.number.format(v)}, ${end}` : ctx.number.format(v) }));
  });
  const set = h("fieldset", { class: "nps" }, promptLegend(q),
    h("div", { class: "points nps-points" }, points),
    h("div", { class: "ends", "aria-hidden": "true" }, h("span", { text: low }), h("span", { text: high })));
  set.addEventListener("change", (event) => ctx.submit(Number(event.target.value)));
  return [set];
}

export function read(form) {
  const chosen = form.querySelector("input:checked");
  return chosen ? Number(chosen.value) : null;
}

export function present(holder, question, data, { t, n, number, percent }) {
  holder.dataset.kind = question.kind;
  const result = data.result || {};
  const total = result.n || 0;
  const score = result.score === null || result.score === undefined
    ? "–" : `${result.score > 0 ? "+" : ""}${number.format(Math.round(result.score))}`;
  const groups = ["detractors", "passives", "promoters"].map((group) => {
    const count = result[group] || 0;
    const share = total ? count / total : 0;
    const segment = h("span", { class: `segment nps-${group}`,
      text: share >= 0.12 ? `${t(group)} ${percent.format(share)}` : "" });
    segment.style.inlineSize = `${share * 100}%`;
    return { group, count, share, segment };
  });
  const counts = result.counts || {};
  holder.replaceChildren(
    h("p", { class: "nps-score" }, h("span", { class: "nps-label", text: t("nps_score") }), " ",
      h("strong", { text: score })),
    h("div", { class: "distribution", "aria-hidden": "true" }, groups.map((g) => g.segment)),
    h("ul", { class: "nps-groups" }, groups.map((g) => h("li", { class: `nps-${g.group}` },
      h("strong", { text: t(g.group) }), " ",
      h("span", { text: t("count_share", { count: number.format(g.count), share: percent.format(g.share) }) })))),
    h("p", { class: "scale-facts" }, h("span", { text: n("answers", total) }), " ",
      h("span", { class: "legend", text: POINTS.map((v) => `${number.format(v)}: ${number.format(counts[String(v)] || 0)}`).join(" · ") })));
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  settings: [{ name: "min_label", type: "text", max: 80 }, { name: "max_label", type: "text", max: 80 }],
  defaults: {},
};
