// Compare groups: a question's result side by side, one column per group of the session's
// segment question (learners, leaders, L&D), on the facilitator's view and the audience
// screen. Each column is drawn by the question's own kind module, as the whole room's is.
// What a withheld group may show is the server's call (server/segments.py): its message
// carries the group's size and nothing else, and the column says so.
import { h } from "./dom.js";
import { kindOf } from "./kinds/index.js";

/** Draw `split` ({groups: [{id, label, n, withheld, responses, result}], min_group}) into
 *  the holder, keeping each group's column (and what its kind drew) between updates. */
export function presentGroups(holder, question, split, ctx) {
  if (holder.dataset.kind !== "groups") {
    holder.dataset.kind = "groups";
    holder.replaceChildren(h("ul", { class: "group-columns", "aria-label": ctx.t("groups_label") }));
  }
  const list = holder.firstElementChild;
  list.dataset.count = String(split.groups.length);
  const known = new Map([...list.children].map((column) => [column.dataset.group, column]));
  const columns = split.groups.map((group) => {
    const column = known.get(group.id) || newColumn(group.id);
    fillColumn(column, question, group, split.min_group, ctx);
    return column;
  });
  if (columns.some((column, i) => list.children[i] !== column) || list.children.length !== columns.length) {
    list.replaceChildren(...columns);
  }
}

function newColumn(id) {
  return h("li", { class: "group-column", "data-group": id },
    h("h2", { class: "group-name", dir: "auto" }),
    h("p", { class: "group-size" }),
    h("div", { class: "group-result" }));
}

function fillColumn(column, question, group, minGroup, ctx) {
  const { t, number } = ctx;
  const small = group.withheld && group.n < minGroup;
  column.querySelector(".group-name").textContent = group.id === "not_said" ? t("group_not_said") : group.label;
  column.querySelector(".group-size").textContent = small
    ? t("group_size_under", { k: number.format(minGroup) })
    : t("group_size", { n: number.format(group.n) });
  column.dataset.withheld = String(group.withheld);
  const body = column.querySelector(".group-result");
  if (group.withheld || !group.result) {
    const note = group.withheld
      ? t(small ? "group_withheld_small" : "group_withheld_guard", { k: number.format(minGroup) })
      : t("group_empty");
    body.dataset.kind = "note";
    body.replaceChildren(h("p", { class: "group-note", text: note }));
    return;
  }
  kindOf(question.kind).present(body, question, { responses: group.responses, result: group.result }, { ...ctx, controls: false });
}
