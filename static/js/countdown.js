// Countdowns of a session's questions, on this page's own clock: the server says how many
// seconds were left when it sent the session, and the page counts down from when it got it,
// so a phone whose clock is minutes off still shows the right time.

export const TICK_MS = 250;
const WARN_AT_SECONDS = 10;

export class Countdowns {
  constructor() {
    this.ends = new Map(); // question id -> performance.now() at its deadline
    this.warned = new Set(); // deadlines already announced as nearly over
  }

  /** Take the countdowns of a session the server just sent; returns the ids of questions
   *  whose running countdown this message says has ended (it may beat the page's tick). */
  update(session) {
    const receivedAt = performance.now();
    const before = this.ends;
    this.ends = new Map();
    for (const q of session.questions) {
      if (typeof q.seconds_left === "number" && q.state === "open") {
        this.ends.set(q.id, receivedAt + q.seconds_left * 1000);
      }
    }
    return session.questions
      .filter((q) => before.has(q.id) && q.state === "locked" && q.seconds_left === 0)
      .map((q) => q.id);
  }

  /** Seconds left on the question's countdown, or null when it has none running. */
  left(questionId) {
    const end = this.ends.get(questionId);
    return end === undefined ? null : Math.max(0, (end - performance.now()) / 1000);
  }

  /** True once, when the question's countdown first reaches its last seconds. */
  nearlyOver(question) {
    const left = this.left(question.id);
    const key = `${question.id}@${question.deadline}`;
    if (left === null || left === 0 || left > WARN_AT_SECONDS || this.warned.has(key)) return false;
    this.warned.add(key);
    return true;
  }

  /** Lock, in the session as this page holds it, the questions whose time ran out (the
   *  server refuses their answers from now on); returns their ids. */
  expire(session) {
    const expired = [];
    for (const q of session.questions) {
      if (q.state === "open" && this.left(q.id) === 0) {
        q.state = "locked";
        this.ends.delete(q.id);
        expired.push(q.id);
      }
    }
    return expired;
  }
}

/** Seconds as the clock a countdown shows: 0:42, 2:00, 60:00 (whole seconds, rounded up). */
export function clockText(seconds) {
  const whole = Math.ceil(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
