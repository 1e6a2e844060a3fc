// points: spread a budget over the options with − / + or by typing; what is left is shown
// as you go, and the answer cannot be sent over budget. The screen sorts by total.
import { h } from "../dom.js";
import { promptLegend, sendButton } from "./parts.js";

export const sendsOnChange = false;

export function phone(q, ctx) {
  const { t, number } = ctx;
  const given = ctx.value || {};
  const step = Math.max(1, Math.round(q.budget / 20));
  const left = h("p", { class: "points-left", "aria-live": "polite" });
  const button = sendButton(ctx);
  const fields = q.options.map((o) => h("input", {
    type: "number", inputmode: "numeric", min: 0, max: q.budget, step: 1, value: given[o.id] || 0,
    id: `points-${q.id}-${o.id}`, "data-option": o.id, disabled: !ctx.open,
  }));
  const spent = () => fields.reduce((sum, f) => sum + (Number.parseInt(f.value, 10) || 0), 0);
  const update = () => {
    const remaining = q.budget - spent();
    left.textContent = remaining >= 0
      ? t("points_left", { n: number.format(remaining), budget: number.format(q.budget) })
      : t("points_over", { n: number.format(-remaining) });
    left.dataset.state = remaining < 0 ? "over" : "ok";
    button.disabled = !ctx.open || remaining < 0 || spent() === 0;
    ctx.draft(read(set));
  };
  const rows = q.options.map((o, i) => {
    const field = fields[i];
    const nudge = (delta, label) => h("button", {
      type: "button", class: "points-nudge", disabled: !ctx.open, text: delta > 0 ? "+" : "−",
      "aria-label": t(label, { label: o.label, n: number.format(step) }),
      onclick: () => {
        field.value = String(Math.max(0, (Number.parseInt(field.value, 10) || 0) + delta));
        update();
      },
    });
    return h("div", { class: "points-row" },
      h("label", { for: field.id, dir: "auto", text: o.label }),
      nudge(-step, "points_less"), field, nudge(step, "points_more"));
  });
  const set = h("fieldset", {}, promptLegend(q), ...rows, left);
  set.addEventListener("input", update);
  update();
  return [set, button];
}

export function read(form) {
  const value = {};
  for (const field of form.querySelectorAll("input[data-option], input[name^='p.']")) {
    const n = Number.parseInt(field.value, 10);
    const option = field.dataset.option || field.name.slice(2);
    if (n > 0) value[option] = n;
  }
  return Object.keys(value).length ? value : null;
}

export function present(holder, question, data, { t, number }) {
  holder.dataset.kind = question.kind;
  const found = (data.result || {}).options || {};
  const grand = question.options.reduce((sum, o) => sum + ((found[o.id] || {}).total || 0), 0);
  const sorted = [...question.options].sort((a, b) => ((found[b.id] || {}).total || 0) - ((found[a.id] || {}).total || 0));
  holder.replaceChildren(h("ol", { class: "bars" }, sorted.map((option) => {
    const entry = found[option.id] || { total: 0, mean: null };
    const fill = h("span", { class: "fill" });
    fill.style.inlineSize = `${grand ? Math.round((entry.total / grand) * 1000) / 10 : 0}%`;
    const mean = entry.mean === null || entry.mean === undefined ? "–" : number.format(entry.mean);
    return h("li", { class: "bar-row" },
      h("span", { class: "label", dir: "auto", text: option.label }),
      h("span", { class: "track", "aria-hidden": "true" }, fill),
      h("span", { class: "value", text: t("points_value", { total: number.format(entry.total), mean }) }));
  })));
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  settings: [{ name: "options", type: "lines" }, { name: "budget", type: "number", min: 1, max: 10000 }],
  defaults: { budget: 100 },
};
