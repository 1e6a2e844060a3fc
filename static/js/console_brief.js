// The brief's workspace: save the header, KPI and sign-off; accept or discard the
// server's proposals; edit, move, tag, discard and restore insights and read their
// history; write your own. After every change the brief's preview beside it reloads.
import { catalog, h } from "./dom.js";
import { request, say } from "./console_api.js";

const { t, n: counted, lang } = catalog();
const api = document.body.dataset.api;
const $ = (id) => document.getElementById(id);
const when = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "medium" });

let state = { proposals: [], insights: [], sections: [], tags: {} };
let prompts = {}; // question id -> its prompt, to say what a proposal rests on
const openHistory = new Set(); // insight ids whose history is shown

const sectionName = (sid) => t(`brief.${sid}`);
const tagName = (tag) => t(`tag.${tag}`);

// -- loading and the preview -----------------------------------------------------------------
async function load() {
  state = await request("GET", `${api}/insights`);
  render();
}

/** Reload the preview, then bring the part that changed into view (`#s-<section>`). */
let previewTarget = null;
$("preview").addEventListener("load", () => {
  const target = previewTarget && $("preview").contentDocument?.getElementById(previewTarget);
  if (target) target.scrollIntoView({ block: "start" });
});

function refreshPreview(where) {
  previewTarget = where;
  const frame = $("preview");
  try {
    frame.contentWindow.location.reload();
  } catch {
    frame.src = frame.src; // not loaded yet: load it again
  }
}

/** Run a change, then show the result: new lists, a reloaded preview showing `where`
 *  (a section id of the brief), a status line. */
async function change(work, done, where = null) {
  try {
    await work();
  } catch (error) {
    say(t("ws.not_saved", { message: error.message }));
    return false;
  }
  await load();
  refreshPreview(where);
  say(done);
  return true;
}

// -- rendering, keeping the keyboard where it was ----------------------------------------------
function render() {
  const focused = document.activeElement && document.activeElement.dataset.key;
  renderProposals();
  renderInsights();
  if (focused) {
    const again = document.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    // a Move up that reached the top is disabled: stay on the same card
    const near = again && again.disabled ? again.closest(".insight").querySelector("button:not([disabled])") : again;
    (near || $("insights-title")).focus();
  }
}

function renderProposals() {
  const list = $("proposals");
  list.replaceChildren();
  if (!state.proposals.length) list.append(h("li", { class: "hint", text: t("ws.none_proposed") }));
  for (const p of state.proposals) list.append(proposalCard(p));
}

function proposalCard(p) {
  const textId = `p-${p.origin}`;
  const take = (status) => () =>
    change(
      () => request("POST", `${api}/insights`, { origin: p.origin, status }),
      status === "discarded" ? t("ws.discarded_msg") : p.quote ? t("ws.pinned") : t("ws.accepted"),
      `s-${p.section}`,
    );
  return h(
    "li",
    { class: "proposal", "data-origin": p.origin },
    h("p", { class: "section-label", text: sectionName(p.section) }),
    // a story keeps its own direction; a proposal's wording is the brief's language
    h("p", { class: "text", id: textId, dir: p.quote ? "auto" : null, text: p.quote ? `“${p.text}”` : p.text }),
    h("p", { class: "evidence", text: evidenceLine(p.evidence) }),
    h(
      "div",
      { class: "actions" },
      h("button", {
        type: "button", class: "primary", "aria-describedby": textId, "data-key": `${p.origin}:take`,
        text: p.quote ? t("ws.pin") : t("ws.accept"), onclick: take("accepted"),
      }),
      h("button", {
        type: "button", "aria-describedby": textId, "data-key": `${p.origin}:drop`,
        text: t("ws.discard"), onclick: take("discarded"),
      }),
    ),
  );
}

function evidenceLine(evidence) {
  const questions = (evidence.questions || []).map((id) => `“${prompts[id] || id}”`).join(", ");
  const parts = [];
  if (evidence.n !== undefined) parts.push(t("ws.evidence_n", { n: evidence.n }));
  for (const g of evidence.groups || []) parts.push(t("ws.evidence_group", { label: g.label, n: g.n }));
  const numbers = evidence.numbers || {};
  if (numbers.votes) parts.push(counted("ws.evidence_votes", numbers.votes));
  if (numbers.written_by > 1) parts.push(counted("ws.evidence_written_by", numbers.written_by));
  if (questions) parts.push(t("ws.evidence_questions", { questions }));
  return parts.join(" · ");
}

function renderInsights() {
  const holder = $("insights");
  holder.replaceChildren();
  if (!state.insights.length) holder.append(h("p", { class: "hint", text: t("ws.none_kept") }));
  for (const sid of state.sections) {
    const mine = state.insights.filter((i) => i.section === sid);
    if (!mine.length) continue;
    holder.append(
      h("h3", { text: sectionName(sid) }),
      h("ol", { class: "insight-list" }, mine.map((i, place) => insightCard(i, place, mine.length))),
    );
  }
}

function insightCard(insight, place, count) {
  const id = insight.id;
  const discarded = insight.status === "discarded";
  const card = h("li", { class: `insight${discarded ? " discarded" : ""}`, "data-id": id });
  if (insight.quote) {
    card.append(
      h("blockquote", { dir: "auto", text: insight.text }),
      h("p", { class: "hint", text: t("ws.quoted") }),
    );
  } else {
    card.append(
      h("p", { class: "field" },
        h("label", { for: `i-${id}-text`, text: t("ws.wording") }),
        h("textarea", { id: `i-${id}-text`, rows: 3, "data-key": `${id}:text`, text: insight.text })),
    );
  }
  if (discarded) card.append(h("p", { class: "hint", text: t("ws.discarded") }));
  card.append(h("div", { class: "row" }, sectionSelect(insight), tagSelect(insight)));
  card.append(insightActions(insight, place, count));
  if (openHistory.has(id)) card.append(h("ol", { class: "history", id: `i-${id}-history` }));
  if (openHistory.has(id)) showHistory(id);
  return card;
}

function sectionSelect(insight) {
  const select = h(
    "select",
    { id: `i-${insight.id}-section`, "data-key": `${insight.id}:section` },
    state.sections.map((sid) => h("option", { value: sid, text: sectionName(sid), selected: sid === insight.section })),
  );
  select.addEventListener("change", () =>
    change(
      () => request("PATCH", `${api}/insights/${insight.id}`, { section: select.value }),
      t("ws.moved"),
      `s-${select.value}`,
    ),
  );
  return h("p", { class: "field" }, h("label", { for: select.id, text: t("ws.section") }), select);
}

function tagOptions(section, current) {
  const tags = Object.keys(state.tags[section] || {});
  return [
    h("option", { value: "", text: t("ws.no_tag") }),
    ...tags.map((tag) => h("option", { value: tag, text: tagName(tag), selected: tag === current })),
  ];
}

function tagSelect(insight) {
  if (!state.tags[insight.section]) return "";
  const select = h("select", { id: `i-${insight.id}-tag`, "data-key": `${insight.id}:tag` }, tagOptions(insight.section, insight.tag));
  select.addEventListener("change", () =>
    change(
      () => request("PATCH", `${api}/insights/${insight.id}`, { tag: select.value || null }),
      t("ws.saved"),
      `s-${insight.section}`,
    ),
  );
  return h("p", { class: "field" }, h("label", { for: select.id, text: t("ws.tag") }), select);
}

function insightActions(insight, place, count) {
  const id = insight.id;
  const url = `${api}/insights/${id}`;
  const where = `s-${insight.section}`;
  const patch = (body, done) => () => change(() => request("PATCH", url, body), done, where);
  const button = (key, text, onclick, extra = {}) =>
    h("button", { type: "button", "data-key": `${id}:${key}`, text, onclick, ...extra });
  const actions = h("div", { class: "actions" });
  if (!insight.quote && insight.status === "accepted") {
    actions.append(button("save", t("ws.save"), () => {
      const text = $(`i-${id}-text`).value;
      return change(() => request("PATCH", url, { text }), t("ws.saved"), where);
    }, { class: "primary" }));
  }
  actions.append(
    button("up", t("ws.move_up"), patch({ position: place - 1 }, t("ws.moved")), { disabled: place === 0 }),
    button("down", t("ws.move_down"), patch({ position: place + 1 }, t("ws.moved")), { disabled: place === count - 1 }),
    insight.status === "accepted"
      ? button("discard", t("ws.discard"), patch({ status: "discarded" }, t("ws.discarded_msg")))
      : button("restore", t("ws.restore"), patch({ status: "accepted" }, t("ws.restored"))),
    button("history", openHistory.has(id) ? t("ws.hide_history") : t("ws.history"), () => toggleHistory(id), {
      "aria-expanded": openHistory.has(id) ? "true" : "false",
      "aria-controls": `i-${id}-history`,
    }),
  );
  return actions;
}

// -- history -------------------------------------------------------------------------------
function toggleHistory(id) {
  if (openHistory.has(id)) openHistory.delete(id);
  else openHistory.add(id);
  render();
}

async function showHistory(id) {
  let data;
  try {
    data = await request("GET", `${api}/insights/${id}/history`);
  } catch (error) {
    say(t("ws.not_saved", { message: error.message }));
    return;
  }
  const list = $(`i-${id}-history`);
  if (!list) return;
  list.replaceChildren(...data.history.map((entry) => h("li", { text: historyLine(entry) })));
}

function historyLine(entry) {
  const changes = Object.entries(entry.changes).map(([field, [before, after]]) =>
    before === null
      ? `${t(`ws.field.${field}`)}: ${shown(field, after)}`
      : `${t(`ws.field.${field}`)}: ${shown(field, before)} → ${shown(field, after)}`,
  );
  return `${when.format(new Date(entry.at))} · ${t(`ws.action.${entry.action}`)} · ${changes.join("; ")}`;
}

function shown(field, value) {
  if (value === null || value === "") return "–";
  if (field === "section") return sectionName(value);
  if (field === "tag") return tagName(value);
  if (field === "status") return t(`ws.status.${value}`);
  if (field === "position") return String(value + 1);
  return `“${value}”`;
}

// -- the forms -----------------------------------------------------------------------------
function detailsBody(form) {
  const value = (name) => form.elements.namedItem(name).value.trim();
  const part = (group, names) => Object.fromEntries(names.map((n) => [n, value(`${group}.${n}`)]));
  const signer = (who) => part(`signoff-${who}`, ["name", "role", "signed_on"]);
  return {
    header: part("header", ["initiative", "sponsor", "ld_partner", "audience", "date", "version"]),
    kpi: part("kpi", ["name", "owner", "baseline", "target", "target_date"]),
    signoff: { ld: signer("ld"), business: signer("business") },
  };
}

$("details-form").addEventListener("submit", (event) => {
  event.preventDefault();
  change(() => request("PUT", `${api}/brief/details`, detailsBody(event.target)), t("ws.saved_details"), "main");
});

function ownTags() {
  const section = $("own-section").value;
  $("own-tag-field").hidden = !state.tags[section];
  $("own-tag").replaceChildren(...tagOptions(section, null));
}

$("own-section").addEventListener("change", ownTags);
$("own-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = { section: $("own-section").value, text: $("own-text").value };
  if ($("own-tag").value) body.tag = $("own-tag").value;
  const where = `s-${body.section}`;
  if (await change(() => request("POST", `${api}/insights`, body), t("ws.added"), where)) $("own-text").value = "";
});

async function start() {
  for (const option of $("own-section").options) option.textContent = sectionName(option.value);
  try {
    const session = await request("GET", api);
    prompts = Object.fromEntries(session.questions.map((q) => [q.id, q.prompt]));
  } catch { /* proposals then name their question ids */ }
  await load();
  ownTags();
  document.body.dataset.ready = "workspace";
}

start();
