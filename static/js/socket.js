// A WebSocket that comes back: reconnects with exponential backoff and jitter, notices
// dead connections with pings, and stays quiet while the browser says it is offline.

const PING_EVERY_MS = 25000;
const PONG_WITHIN_MS = 10000;
const MAX_DELAY_MS = 15000;

/** onMessage(data) gets each parsed message; onStatus(s) gets "open" | "connecting" | "offline".
 *  onClose(code), when given, may return true to stop reconnecting after that close code. */
export function reconnecting(url, { onMessage, onStatus, onClose = () => false }) {
  let ws = null;
  let attempt = 0;
  let retryTimer = 0;
  let pingTimer = 0;
  let pongTimer = 0;

  const clearTimers = () => {
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
  };

  function open() {
    clearTimers();
    if (!navigator.onLine) { onStatus("offline"); return; }
    onStatus("connecting");
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      onStatus("open");
      pingTimer = setInterval(() => {
        send({ type: "ping" });
        pongTimer = setTimeout(() => socket.close(), PONG_WITHIN_MS);
      }, PING_EVERY_MS);
    };
    socket.onmessage = (event) => {
      clearTimeout(pongTimer);
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      if (data.type !== "pong") onMessage(data);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      ws = null;
      clearTimers();
      if (onClose(event.code)) return;
      onStatus(navigator.onLine ? "connecting" : "offline");
      if (!navigator.onLine) return;
      const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      retryTimer = setTimeout(open, delay);
    };
  }

  function send(message) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  function drop() {
    const socket = ws;
    ws = null;
    clearTimers();
    if (socket) socket.close();
  }

  window.addEventListener("offline", () => { drop(); onStatus("offline"); });
  window.addEventListener("online", () => { attempt = 0; open(); });
  open();
  return {
    send,
    isOpen: () => Boolean(ws && ws.readyState === WebSocket.OPEN),
    reconnect() { drop(); open(); },
  };
}
