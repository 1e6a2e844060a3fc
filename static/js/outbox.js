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

  get(question) { return this.items[question] || null; }

  pending() { return Object.values(this.items); }

  /** Removes and returns the item with this answer id (null if it was replaced meanwhile). */
  take(id) {
    const item = Object.values(this.items).find((i) => i.id === id);
    if (!item) return null;
    delete this.items[item.question];
    this.save();
    return item;
  }

  save() { store.set(this.key, this.items); }
}
