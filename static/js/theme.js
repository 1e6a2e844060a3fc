// The screen's theme: light, dark, high contrast or the system's. Picked on the
// facilitator's view and kept in this browser, so an audience screen opened from it (or
// already open) follows at once through the storage event.
import { store } from "./dom.js";

const KEY = "trifecta.theme";

export function storedTheme() { return store.get(KEY, ""); }

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

export function pickTheme(theme) {
  store.set(KEY, theme);
  applyTheme(theme);
}

/** Apply the stored theme now and whenever another window of this browser changes it;
 *  onChange(theme) hears about both. */
export function followTheme(onChange = () => {}) {
  applyTheme(storedTheme());
  onChange(storedTheme());
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    applyTheme(storedTheme());
    onChange(storedTheme());
  });
}
