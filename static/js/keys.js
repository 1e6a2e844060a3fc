// The keys a facilitator's hands and clicker already know. The facilitator's view and the
// audience screen both listen, each with the actions it has; a key without one does nothing.

const KEYS = {
  PageDown: "next", ArrowRight: "next", ArrowDown: "next", " ": "next", n: "next", N: "next",
  PageUp: "prev", ArrowLeft: "prev", ArrowUp: "prev", p: "prev", P: "prev",
  b: "blank", B: "blank", ".": "blank", f: "fullscreen", F: "fullscreen",
  l: "lock", L: "lock", h: "results", H: "results", q: "qr", Q: "qr", s: "sort", S: "sort",
  g: "groups", G: "groups",
  "?": "help", Escape: "escape",
};

// Inputs that are clicked rather than typed in: a key pressed on them is the clicker's.
const CLICKED = new Set(["checkbox", "radio", "button", "submit", "reset", "color", "range"]);

/** Whether keys pressed on the target are text being typed (or a select being chosen). */
export function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName)) return true;
  return target.tagName === "INPUT" && !CLICKED.has(target.type);
}

/** Run actions[name] for the keys above, never while text is typed. Space and Enter on a
 *  focused button or switch keep their usual meaning; arrows and PageUp/PageDown do not. */
export function listenForKeys(actions) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    const clicked = event.target instanceof HTMLButtonElement || event.target instanceof HTMLInputElement;
    if (clicked && [" ", "Enter"].includes(event.key)) return;
    const action = actions[KEYS[event.key]];
    if (!action) return;
    event.preventDefault();
    action();
  });
}

/** After a pointer click on a control, give focus back to the page, so that the clicker's
 *  next Space or arrow is not taken by the control (a keyboard user keeps their place). */
export function returnFocusAfterClick(root) {
  root.addEventListener("click", (event) => {
    const control = event.target.closest("button, input[type=checkbox]");
    if (control && event.detail > 0) control.blur();
  });
}
