// What the facilitator's view and the audience screen share besides the server's state: a
// blank screen, the join QR code in full, bars sorted by count and, after the end, which
// question's results are on view. None of it is the session's truth, so it is not stored:
// the windows of one browser tell each other (BroadcastChannel), and a screen opened on a
// second machine keeps its own, driven by its own keys.

export const INITIAL_VIEW = Object.freeze({ blank: false, qr: false, sorted: false, review: null });

/** onView(view) gets the view another window shares; returns share(view) for ours. A new
 *  window asks for the view once, so that a screen opened late starts where the room is. */
export function shareView(sessionId, { onView, current }) {
  if (!("BroadcastChannel" in window)) return () => {};
  const channel = new BroadcastChannel(`trifecta.stage.${sessionId}`);
  channel.addEventListener("message", ({ data }) => {
    if (data && data.ask) channel.postMessage({ view: current() });
    else if (data && data.view) onView({ ...INITIAL_VIEW, ...data.view });
  });
  channel.postMessage({ ask: true });
  return (view) => channel.postMessage({ view });
}
