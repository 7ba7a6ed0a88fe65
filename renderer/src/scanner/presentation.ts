/**
 * No stale reads. The camera sees the same ticket in frame after frame; the
 * desk must see it once. A code starts a new "presentation" when it was not
 * in view a moment ago; while it stays in view (with the odd unreadable frame
 * between), nothing more is emitted. A different code is emitted at once.
 *
 * "Gone" needs both time and evidence: the code must be missing from several
 * decoded frames in a row, over at least ABSENCE_MS. A camera or decoder that
 * stalls delivers no frames at all, and that alone never makes the ticket
 * still in front of it a new one.
 */
export const ABSENCE_MS = 1200;
export const MIN_MISSED_FRAMES = 3;

interface Seen {
  at: number;
  missed: number;
}

export class PresentationTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly absenceMs: number = ABSENCE_MS,
    private readonly minMissedFrames: number = MIN_MISSED_FRAMES,
  ) {}

  /** The codes of this decoded frame that start a new presentation, in the order seen. */
  observe(texts: readonly string[], now: number): string[] {
    const present = new Set(texts);
    for (const [text, entry] of this.seen) {
      if (present.has(text)) continue;
      entry.missed += 1;
      if (entry.missed >= this.minMissedFrames && now - entry.at > this.absenceMs) this.seen.delete(text);
    }
    const fresh: string[] = [];
    for (const text of present) {
      if (!this.seen.has(text)) fresh.push(text);
      this.seen.set(text, { at: now, missed: 0 });
    }
    return fresh;
  }

  /** A restarted camera starts afresh: what is in view is presented again. */
  reset(): void {
    this.seen.clear();
  }
}
