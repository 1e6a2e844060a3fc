// What the console's pages share: JSON requests with the sign-in cookie, a status line,
// and times in the organizer's own time zone.

/** A JSON request; throws an Error with the server's message (and its code) when refused. */
export async function request(method, url, payload) {
  const options = { method, credentials: "same-origin", headers: {} };
  if (payload !== undefined) {
    options.headers["content-type"] = "application/json";
    options.body = JSON.stringify(payload);
  }
  const response = await fetch(url, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error ? data.error.message : response.statusText);
    error.code = data.error ? data.error.code : "";
    throw error;
  }
  return data;
}

/** The page's status line (an aria-live region). */
export function say(text) {
  document.getElementById("console-status").textContent = text;
}

/** A note to show on the next page (after a redirect or a reload). */
export function noteForNextPage(text) {
  sessionStorage.setItem("trifecta.console.note", text);
}

export function showNoteFromLastPage() {
  const note = sessionStorage.getItem("trifecta.console.note");
  if (!note) return;
  sessionStorage.removeItem("trifecta.console.note");
  say(note);
}

/** Rewrites every <time data-local> from UTC into this browser's time zone. */
export function localTimes(lang, root = document) {
  const format = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  for (const time of root.querySelectorAll("time[data-local]")) {
    const moment = new Date(time.dateTime);
    if (!Number.isNaN(moment.getTime())) time.textContent = format.format(moment);
  }
}
