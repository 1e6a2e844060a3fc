// single_choice: one option, sent as soon as it is tapped.
import { h } from "../dom.js";
import { choiceBars, choiceInput, promptLegend } from "./parts.js";

export const sendsOnChange = true;

export function phone(q, ctx) {
  const set = h("fieldset", {}, promptLegend(q),
    ...q.options.map((o) => choiceInput("radio", q.id, o, ctx.value === o.id, ctx.open)));
  set.addEventListener("change", (event) => ctx.submit(event.target.value));
  return [set];
}

export function read(form) {
  const chosen = form.querySelector("input:checked");
  return chosen ? chosen.value : null;
}

export function present(holder, question, data, ctx) {
  holder.dataset.kind = question.kind;
  holder.replaceChildren(choiceBars(question, data, ctx));
}

// -- the console's editor: the settings it asks for (named as in the spec), what the spec
// leaves to its defaults (for the preview)
export const editor = {
  // a segment question splits every result by its answer (learners, leaders, L&D)
  settings: [{ name: "options", type: "lines" }, { name: "segment", type: "checkbox" }],
  defaults: {},
};
