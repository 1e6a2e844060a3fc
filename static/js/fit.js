// The audience screen never scrolls. Results are drawn in the room left under the prompt
// (a box with `flex: 1; min-height: 0`); when they need more, their type shrinks step by
// step down to a floor, and a list that still does not fit (stories, the room's questions)
// is shown a page at a time, newest first, turning by itself.

const STEP = 0.9;
export const PAGE_MS = 10000; // long enough to read a few stories aloud

function overflows(box) {
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

/** Shrink the box's type (the results are sized in em) until it fits or reaches `floor`
 *  of its usual size; returns whether it fits. */
export function shrinkToFit(box, floor) {
  box.style.fontSize = "";
  let scale = 1;
  while (overflows(box) && scale > floor) {
    scale = Math.max(floor, scale * STEP);
    box.style.fontSize = `${Math.round(scale * 100)}%`;
  }
  return !overflows(box);
}

/** Shows a list a page at a time: as many items as fit from `start`, then the next ones
 *  after PAGE_MS, and from the first again after the last. */
export class Pager {
  constructor(onPage) {
    this.start = 0;
    this.timer = 0;
    this.onPage = onPage; // (page or null) -> void: what the page shows, for a note
  }

  /** All items, their type shrunk to `floor` at most; if they still do not fit, the page
   *  at this.start in full-size type (a story too long for a page alone gets smaller
   *  type, never cut). Returns {from, to, total, next} (from 1) or null when all fit. */
  fit(box, list, floor) {
    const items = [...list.children];
    for (const item of items) item.hidden = false;
    if (shrinkToFit(box, floor)) return this.#done(null);
    if (this.start >= items.length) this.start = 0;
    for (const item of items) item.hidden = true;
    items[this.start].hidden = false;
    shrinkToFit(box, floor);
    let end = this.start + 1;
    for (; end < items.length; end += 1) {
      items[end].hidden = false;
      if (overflows(box)) { items[end].hidden = true; break; }
    }
    return this.#done({ from: this.start + 1, to: end, total: items.length, next: end });
  }

  /** Turn to the next page after a while; `turn()` redraws with this.start moved on. */
  schedule(page, turn) {
    clearTimeout(this.timer);
    if (!page) return;
    this.timer = setTimeout(() => {
      this.start = page.next >= page.total ? 0 : page.next;
      turn();
    }, PAGE_MS);
  }

  reset() {
    this.start = 0;
    clearTimeout(this.timer);
  }

  #done(page) {
    this.onPage(page);
    return page;
  }
}
