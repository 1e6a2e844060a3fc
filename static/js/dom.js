// Small DOM helpers. User text only ever enters the page as text nodes or attributes.

/** Build an element: attrs are attributes ("text" sets textContent, "on*" adds a listener);
 *  children are nodes or strings (strings become text nodes, never HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") el.textContent = value;
    else if (name === "class") el.className = value;
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** The page's message catalog (a <script type="application/json" id="i18n">). */
export function catalog() {
  const source = document.getElementById("i18n");
  const messages = source ? JSON.parse(source.textContent) : {};
  const lang = document.documentElement.lang || "en";
  const plurals = new Intl.PluralRules(lang);
  const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
  return {
    lang,
    t(key, vars = {}) {
      const text = messages[key];
      return fill(typeof text === "string" ? text : key, vars);
    },
    /** A counted phrase: catalog entries like {"one": "{n} answer", "other": "{n} answers"}. */
    n(key, count, vars = {}) {
      const forms = messages[key] || {};
      const text = forms[plurals.select(count)] || forms.other || key;
      return fill(text, { n: new Intl.NumberFormat(lang).format(count), ...vars });
    },
  };
}

/** A version-4 UUID, also on plain-http pages where crypto.randomUUID is missing. */
export function uuid4() {
  if (globalThis.crypto && crypto.randomUUID) {
    try { return crypto.randomUUID(); } catch { /* insecure context */ }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Storage that never throws (private modes, full disks): a failed write only logs a warning. */
export const store = {
  get(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch { return fallback; }
  },
  set(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { console.warn(e); }
  },
};

/** ws:// or wss:// for a path on this page's own host. */
export function socketUrl(path) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}
