// grid_2x2: each item gets a place on two axes (two selects, thumb- and keyboard-friendly);
// the screen puts each item's mean in a square with four labelled quadrants.
import { h } from "../dom.js";
import { promptLegend, sendButton } from "./parts.js";

export const sendsOnChange = false;
const AXES = ["x", "y"];

function axisSelect(q, item, axis, chosen, ctx) {
  const spec = q[axis];
  const options = [h("option", { value: "", text: ctx.t("grid_choose") })];
  for (let v = spec.min; v <= spec.max; v += 1) {
    const end = v === spec.min ? spec.min_label : v === spec.max ? spec.max_label : null;
    const text = end ? `${ctx.number.format(v)} · ${end}` : ctx.number.format(v);
    options.push(h("option", { value: v, text, selected: chosen === v }));
  }
  const id = `${axis}-${q.id}-${item.id}`;
  return h("p", { class: "grid-axis" },
    h("label", { for: id, dir: "auto", text: spec.label }),
    h("select", { id, "data-item": item.id, "data-axis": axis, disabled: !ctx.open }, options));
}

export function phone(q, ctx) {
  const given = ctx.value || {};
  const rows = q.items.map((item) => h("fieldset", { class: "grid-item" },
    h("legend", { dir: "auto", text: item.label }),
    ...AXES.map((axis) => axisSelect(q, item, axis, (given[item.id] || {})[axis], ctx))));
  const set = h("fieldset", {}, promptLegend(q), ...rows);
  set.addEventListener("change", () => ctx.draft(read(set)));
  return [set, sendButton(ctx)];
}

export function read(form) {
  const value = {};
  for (const select of form.querySelectorAll("select[data-item], select[name*='.']")) {
    const [axis, item] = select.dataset.axis ? [select.dataset.axis, select.dataset.item] : select.name.split(".");
    if (select.value === "") continue;
    (value[item] ||= {})[axis] = Number(select.value);
  }
  return Object.keys(value).length ? value : null;
}

function share(spec, mean) {
  return Math.max(0, Math.min(1, (mean - spec.min) / (spec.max - spec.min)));
}

export function present(holder, question, data, { t, number }) {
  holder.dataset.kind = question.kind;
  const found = (data.result || {}).items || {};
  const { x, y } = question;
  const end = (spec, high) => (high ? spec.max_label || t("grid_high") : spec.min_label || t("grid_low"));
  const quadrant = (top, right) => h("span", { class: `quadrant ${top ? "top" : "bottom"} ${right ? "right" : "left"}`,
    text: `${y.label}: ${end(y, top)} · ${x.label}: ${end(x, right)}` });
  const placed = question.items.map((item, i) => ({ item, n: i + 1, entry: found[item.id] || { n: 0 } }));
  const dots = placed.filter((p) => p.entry.n > 0).map(({ item, n, entry }) => {
    const dot = h("span", { class: "dot", title: item.label, text: number.format(n) });
    dot.style.insetInlineStart = `${share(x, entry.x_mean) * 100}%`;
    dot.style.insetBlockEnd = `${share(y, entry.y_mean) * 100}%`;
    return dot;
  });
  const mean = (value) => (value === null || value === undefined ? "–" : number.format(value));
  holder.replaceChildren(h("div", { class: "grid-view" },
    h("div", { class: "grid-frame" },
      h("span", { class: "axis-label y", text: y.label }),
      h("div", { class: "grid-plot", role: "img", "aria-label": t("grid_plot", { x: x.label, y: y.label }) },
        quadrant(true, false), quadrant(true, true), quadrant(false, false), quadrant(false, true), ...dots),
      h("span", { class: "axis-label x", text: x.label })),
    h("ol", { class: "grid-legend" }, placed.map(({ item, entry }) => h("li", {},
      h("span", { class: "label", dir: "auto", text: item.label }), " ",
      h("span", { class: "value", text: t("grid_value", {
        x: x.label, x_mean: mean(entry.x_mean), y: y.label, y_mean: mean(entry.y_mean), n: number.format(entry.n || 0),
      }) }))))));
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview), and what a new question starts with
export const editor = {
  settings: [{ name: "items", type: "lines" }, ...["x", "y"].flatMap((axis) =>
    ["label", "min_label", "max_label"].map((end) => ({ name: `${axis}.${end}`, type: "text", max: 80 })))],
  defaults: { x: { min: 1, max: 10 }, y: { min: 1, max: 10 } },
  blank: (t) => ({ x: { label: t("editor.x_axis") }, y: { label: t("editor.y_axis") } }),
};
