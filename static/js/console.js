// The organizer console: start and end sessions through the JSON API (the signed-in
// cookie authorizes it), then show the fresh list.
import { catalog } from "./dom.js";

const { t } = catalog();
const status = document.getElementById("console-status");

async function post(url, payload) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "content-type": "application/json" }, body: JSON.stringify(payload),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ? data.error.message : response.statusText);
  return data;
}

document.addEventListener("click", async (event) => {
  const create = event.target.closest("button[data-create]");
  const end = event.target.closest("button[data-end]");
  if (!create && !end) return;
  if (end && !window.confirm(t("confirm_end"))) return;
  const button = create || end;
  button.disabled = true;
  try {
    if (create) {
      const created = await post("/api/sessions", { template: create.dataset.create });
      sessionStorage.setItem("trifecta.console.note", t("created", { code: created.code }));
    } else {
      await post(`/api/sessions/${end.dataset.end}/control`, { action: "end" });
      sessionStorage.setItem("trifecta.console.note", t("ended_ok"));
    }
    location.reload();
  } catch (error) {
    status.textContent = `${t("action_failed")} ${error.message}`;
    button.disabled = false;
  }
});

const note = sessionStorage.getItem("trifecta.console.note");
if (note) {
  sessionStorage.removeItem("trifecta.console.note");
  status.textContent = note;
}
