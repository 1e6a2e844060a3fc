// Answers not yet acknowledged, kept in localStorage so that a lost connection, a closed
// tab or a reload loses nothing. Each answer keeps its id until the server acknowledges it,
// so re-sending it never stores it twice.
import { store, uuid4 } from "./dom.js";

export class Outbox {
  constructor(name) {
    this.key = `trifecta.outbox.${name}`;
    this.items = store.get(this.key, {});
  }

  /** A new answer for a question replaces an older unsent one (the latest answer counts). */
  put(question, value) {
    const item = { id: uuid4(), question, value };
    this.items[question] = item;
    this.save();
    return item;
  }

  /** A post or vote of a Q&A: each is its own answer, none replaces another. */
  add(question, value) {
    const item = { id: uuid4(), question, value };
    this.items[`${question}#${item.id}`] = item;
    this.save();
    return item;
  }

  get(question) { return this.items[question] || null; }

  pending() { return Object.values(this.items); }

  /** Removes and returns the item with this answer id (null if it was replaced meanwhile). */
  take(id) {
    const key = Object.keys(this.items).find((k) => this.items[k].id === id);
    if (key === undefined) return null;
    const item = this.items[key];
    delete this.items[key];
    this.save();
    return item;
  }

  save() { store.set(this.key, this.items); }
}
