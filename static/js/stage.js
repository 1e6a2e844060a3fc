// What the facilitator's view and the audience screen have in common: the session and its
// results from the presenter socket, the question on view (the current one while the
// session is live, the one under review after the end), its countdown, and the controls,
// which go over HTTP. Both pages name their parts with the same ids.
import { Countdowns, TICK_MS, clockText } from "./countdown.js";
import { catalog, socketUrl } from "./dom.js";
import { presentGroups } from "./groups.js";
import { kindOf } from "./kinds/index.js";
import { reconnecting } from "./socket.js";

const $ = (id) => document.getElementById(id);

export class Stage {
  constructor({ onChange, onReactions = () => {} }) {
    const { t, n, lang } = catalog();
    this.text = {
      t, n, number: new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }),
      percent: new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }),
    };
    this.api = document.body.dataset.api;
    this.session = null;
    this.connected = 0; // phones connected to this server right now
    this.results = {}; // question id -> {responses, result}
    this.groups = {}; // question id -> its result per segment group, while it is split
    this.countdowns = new Countdowns();
    this.review = null; // after the end: the id of the question on view (null: the thank-you)
    this.onChange = onChange;
    this.onReactions = onReactions;
    setInterval(() => this.#tick(), TICK_MS);
  }

  connect() {
    const { t } = this.text;
    reconnecting(socketUrl(document.body.dataset.wsPath), {
      onMessage: (message) => this.#receive(message),
      onStatus(status) {
        document.body.dataset.connection = status;
        $("link-state").textContent = status === "open" ? t("live") : t("reconnecting_screen");
      },
    });
  }

  #receive(message) {
    if (message.type === "results") {
      for (const q of message.questions) this.results[q.id] = q;
      this.onChange();
    } else if (message.type === "groups") {
      for (const q of message.questions) this.groups[q.id] = q;
      this.onChange();
    } else if (message.type === "session") {
      if (Number.isInteger(message.connected)) this.connected = message.connected;
      this.#take(message.session);
    } else if (message.type === "reactions") {
      this.onReactions(message.counts);
    }
  }

  #take(session) {
    this.session = session;
    // a split turned off forgets its groups: turned on again, it waits for fresh ones
    for (const q of session.questions) if (!q.split) delete this.groups[q.id];
    this.countdowns.update(session);
    this.onChange();
  }

  get ended() { return Boolean(this.session) && this.session.state === "ended"; }

  /** The question on view: the current one, or after the end the one under review. */
  shown() {
    if (!this.session) return null;
    const id = this.ended ? this.review : this.session.current_question;
    return this.session.questions.find((q) => q.id === id) || null;
  }

  /** The question after this one (or the first, before any), or null at the end. */
  after(question) {
    if (!this.session) return null;
    const at = question ? this.session.questions.indexOf(question) : -1;
    return this.session.questions[at + 1] || null;
  }

  data(question) { return this.results[question.id] || { responses: 0, result: {} }; }

  /** Next or previous question: while live the server moves the room; after the end only
   *  this page's review moves (from the thank-you slide to question 1 and back). */
  step(by) {
    if (!this.session || !this.session.questions.length) return;
    const questions = this.session.questions;
    const question = this.shown();
    const at = question ? questions.indexOf(question) : -1;
    if (this.ended) {
      const to = Math.max(-1, Math.min(questions.length - 1, at + by));
      this.review = to < 0 ? null : questions[to].id;
      this.onChange();
      return;
    }
    const target = questions[Math.max(0, Math.min(questions.length - 1, at + by))];
    if (target && target !== question) this.control("goto", target.id);
  }

  async control(action, question, extra = {}) {
    const body = question ? { action, question, ...extra } : { action };
    const updated = await this.post(`${this.api}/control`, body);
    if (updated && updated.questions) this.#take(updated);
  }

  async post(url, payload) {
    try {
      const response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json" }, body: JSON.stringify(payload),
      });
      if (response.ok) return await response.json();
    } catch { /* offline: said below */ }
    $("link-state").textContent = this.text.t("action_failed");
    return null;
  }

  async settings(change) {
    const updated = await this.post(`${this.api}/settings`, change);
    if (updated && updated.questions) this.#take(updated);
  }

  /** At zero the page shows the question locked at once; the server's own session message
   *  (the store locked it at the deadline) follows. */
  #tick() {
    if (!this.session) return;
    if (this.countdowns.expire(this.session).length) this.onChange();
    else this.drawCountdown();
  }

  // -- drawing -------------------------------------------------------------------------------
  /** Show the slide for the moment: join (nothing current yet), a question, or the end. */
  drawSlides() {
    const question = this.shown();
    const view = question ? "question" : this.ended ? "ended" : "start";
    $("start-slide").hidden = view !== "start";
    $("question-view").hidden = view !== "question";
    $("ended-slide").hidden = view !== "ended";
    document.body.dataset.view = view;
    document.body.dataset.state = this.session.state;
    // after the end the code joins nobody: it leaves the page (a page loaded later has none)
    if (this.ended) for (const part of document.querySelectorAll(".join-only")) part.remove();
    return question;
  }

  /** The question's number, state and prompt; its results when they may be seen (after
   *  the end always: the review is read-only and the room has gone). */
  drawQuestion(question, options) {
    const { t, number } = this.text;
    const questions = this.session.questions;
    $("q-number").textContent = t("position", {
      n: number.format(questions.indexOf(question) + 1), total: number.format(questions.length),
    });
    $("q-state").textContent = t(`state.${question.state}`);
    $("q-state").dataset.state = question.state;
    $("prompt").textContent = question.prompt;
    const visible = this.ended || question.results_visible;
    $("results-hidden").hidden = visible;
    const holder = $("results");
    holder.hidden = !visible;
    const split = question.split ? this.groups[question.id] : null;
    holder.dataset.split = String(Boolean(split));
    if (visible && split) presentGroups(holder, question, split, { ...this.text, ...options });
    else if (visible) kindOf(question.kind).present(holder, question, this.data(question), { ...this.text, ...options });
    this.drawCountdown();
    return visible;
  }

  drawCountdown() {
    const question = this.shown();
    const left = question && question.state === "open" ? this.countdowns.left(question.id) : null;
    const timer = $("countdown");
    timer.hidden = left === null;
    if (left === null) return;
    timer.textContent = clockText(left);
    timer.toggleAttribute("data-ending", left <= 10);
  }
}
