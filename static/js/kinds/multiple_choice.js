// multiple_choice: up to max_choices options; the rest are disabled once it is reached.
import { h } from "../dom.js";
import { choiceBars, choiceInput, promptLegend, sendButton } from "./parts.js";

export const sendsOnChange = false;

export function phone(q, ctx) {
  const value = ctx.value || [];
  const max = q.max_choices || q.options.length;
  const hintId = `hint-${q.id}`;
  const set = h("fieldset", { "aria-describedby": hintId }, promptLegend(q),
    h("p", { class: "hint", id: hintId, text: ctx.t("choose_up_to", { n: ctx.number.format(max) }) }),
    ...q.options.map((o) => choiceInput("checkbox", q.id, o, value.includes(o.id), ctx.open)));
  const button = sendButton(ctx);
  const limit = () => {
    const boxes = [...set.querySelectorAll("input")];
    const full = boxes.filter((b) => b.checked).length >= max;
    for (const box of boxes) box.disabled = !ctx.open || (full && !box.checked);
    button.disabled = !ctx.open || !boxes.some((b) => b.checked);
  };
  set.addEventListener("change", () => {
    ctx.draft([...set.querySelectorAll("input:checked")].map((i) => i.value));
    limit();
  });
  limit();
  return [set, button];
}

export function read(form) {
  const ids = [...form.querySelectorAll("input:checked")].map((i) => i.value);
  return ids.length ? ids : null;
}

export function present(holder, question, data, ctx) {
  holder.dataset.kind = question.kind;
  holder.replaceChildren(choiceBars(question, data, ctx));
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  settings: [{ name: "options", type: "lines" }, { name: "max_choices", type: "number", min: 1, max: 50 }],
  defaults: { max_choices: 1 },
};
