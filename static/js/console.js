// The session list: start from a template, end a session, import a template file, filter
// and search as you type, and counts that refresh without a reload.
import { catalog } from "./dom.js";
import { localTimes, noteForNextPage, request, say, showNoteFromLastPage } from "./console_api.js";

const { t, lang } = catalog();
const REFRESH_MS = 5000; // counts move while a room answers; a list is not a live screen
const number = new Intl.NumberFormat(lang);

document.addEventListener("click", async (event) => {
  const create = event.target.closest("button[data-create]");
  const end = event.target.closest("button[data-end]");
  if (!create && !end) return;
  if (end && !window.confirm(t("confirm_end"))) return;
  const button = create || end;
  button.disabled = true;
  try {
    if (create) {
      const created = await request("POST", "/api/sessions", { template: create.dataset.create });
      if (create.dataset.mode === "interview") { // no code to share: straight to its workspace
        noteForNextPage(t("interview.created"));
        location.assign(`/console/sessions/${created.id}`);
        return;
      }
      noteForNextPage(t("created", { code: created.code }));
    } else {
      await request("POST", `/api/sessions/${end.dataset.end}/control`, { action: "end" });
      noteForNextPage(t("ended_ok"));
    }
    location.reload();
  } catch (error) {
    say(`${t("action_failed")} ${error.message}`);
    button.disabled = false;
  }
});

// -- import a template file ----------------------------------------------------------------
const importForm = document.getElementById("import-form");
importForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = importForm.elements.file.files[0];
  if (!file) return;
  try {
    const saved = await request("POST", "/api/templates/import", { toml: await file.text() });
    noteForNextPage(t("template_imported", { title: saved.title }));
    location.reload();
  } catch (error) {
    say(`${t("import_failed")} ${error.message}`);
  }
});

// -- filter and search ---------------------------------------------------------------------
const filter = document.getElementById("session-filter");
const rows = () => [...document.querySelectorAll("tr[data-session]")];

function applyFilter() {
  const query = filter.elements.q.value.trim().toLowerCase();
  const state = filter.elements.state.value;
  let shown = 0;
  for (const row of rows()) {
    const match = (!state || row.dataset.state === state) && row.dataset.title.includes(query);
    row.hidden = !match;
    shown += match ? 1 : 0;
  }
  const none = document.getElementById("no-match");
  if (none) none.hidden = shown > 0;
  const url = new URL(location.href); // a reload or a shared link keeps the filter
  for (const [name, value] of [["q", query], ["state", state]]) {
    if (value) url.searchParams.set(name, value); else url.searchParams.delete(name);
  }
  history.replaceState(null, "", url);
}
filter.addEventListener("input", applyFilter);
filter.addEventListener("submit", (event) => { event.preventDefault(); applyFilter(); });
document.body.classList.add("scripted");

// -- counts --------------------------------------------------------------------------------
async function refreshCounts() {
  if (document.hidden) return;
  let sessions;
  try { sessions = await request("GET", "/api/sessions"); } catch { return; }
  for (const s of sessions) {
    const row = document.querySelector(`tr[data-session="${CSS.escape(s.id)}"]`);
    if (!row) continue;
    row.querySelector('[data-count="participants"]').textContent = number.format(s.participants);
    row.querySelector('[data-count="answers"]').textContent = number.format(s.answers);
  }
}
setInterval(refreshCounts, REFRESH_MS);
document.addEventListener("visibilitychange", refreshCounts);

localTimes(lang);
showNoteFromLastPage();
