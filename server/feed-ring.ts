import { pageJson } from './feed';
import { SharedPage } from './feed-answers';

/**
 * The newest feed entries of one municipality, in memory, as the last wake
 * read them: every entry with a seq in (base, top], in seq order, each
 * already serialised as the JSON of a change, in UTF-8 bytes (pages are
 * put together from them without a string in between, and the names in
 * them would make a JavaScript string two bytes a character). Long-polls of the municipality
 * are answered from it (filtered by venue) instead of each reading the
 * database. Bounded by entry count and bytes: the oldest go first, and base
 * moves up with them.
 */
export interface RingEntry {
  readonly seq: number;
  /** Null: every venue of the municipality sees it. */
  readonly venueId: string | null;
  /** The change's JSON, UTF-8. */
  readonly json: Buffer;
  /** When the process heard of it (the first notice before the read that found it; performance.now()). */
  readonly noticedAt: number;
}

export interface RingLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export interface RingPage {
  readonly bytes: Buffer;
  readonly changes: number;
  readonly next: number;
  /** The earliest noticedAt of its changes. */
  readonly noticedAt: number;
}

/** Pages kept for reuse between two reads: the desks of a venue come back at the same cursor. */
const SHARED_PAGES = 512;
const COMMA = Buffer.from(',');
const EMPTY = Buffer.alloc(0);
const CLOSE = Buffer.from(']}');

export class FeedRing {
  private entries: RingEntry[] = [];
  private bytes = 0;
  private readonly shared = new Map<string, SharedPage>();
  /** Entries above base and up to top are all here. */
  base: number;
  top: number;
  /** The feed sequence when top was read. */
  head: number;

  constructor(
    from: number,
    private readonly limits: RingLimits,
  ) {
    this.base = from;
    this.top = from;
    this.head = from;
  }

  get size(): number {
    return this.entries.length;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** Adds what a read found after `top` (in seq order), up to `to` (the read's end), and trims the oldest beyond the limits. */
  append(rows: readonly RingEntry[], to: number, head: number): void {
    this.shared.clear();
    for (const row of rows) {
      if (row.seq <= this.top) continue;
      this.entries.push(row);
      this.bytes += row.json.length;
    }
    this.top = Math.max(this.top, to);
    this.head = Math.max(this.head, head);
    let drop = 0;
    while (drop < this.entries.length && (this.entries.length - drop > this.limits.maxEntries || this.bytes > this.limits.maxBytes)) {
      const gone = this.entries[drop] as RingEntry;
      this.bytes -= gone.json.length;
      this.base = gone.seq;
      drop += 1;
    }
    if (drop > 0) this.entries = this.entries.slice(drop);
  }

  /** Whether everything a device at this cursor may see up to top is here. */
  covers(after: number): boolean {
    return after >= this.base && after <= this.top;
  }

  /** Index of the first entry with seq > after. */
  private firstAfter(after: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.entries[mid] as RingEntry).seq <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** page(), shared by every request with the same venue, cursor and limit until the ring moves on. */
  sharedPage(venueId: string, after: number, limit: number, maxBytes: number): SharedPage {
    const key = `${venueId}\u0000${after}\u0000${limit}`;
    let page = this.shared.get(key);
    if (!page) {
      const built = this.page(venueId, after, limit, maxBytes);
      page = new SharedPage(built.bytes, built.changes, built.next, built.noticedAt);
      if (this.shared.size < SHARED_PAGES) this.shared.set(key, page);
    }
    return page;
  }

  /**
   * The page a device of `venueId` at cursor `after` gets: its visible
   * entries after the cursor, at most `limit` of them and about `maxBytes`
   * (then `more`, and the device reads on). Call only when covers(after).
   */
  page(venueId: string, after: number, limit: number, maxBytes: number): RingPage {
    // Room for the head at the front; the changes follow, each after a comma (the first one's is dropped).
    const parts: Buffer[] = [EMPTY];
    let changes = 0;
    let bytes = 0;
    let next = after;
    let more = false;
    let noticedAt = Infinity;
    for (let i = this.firstAfter(after); i < this.entries.length; i++) {
      const entry = this.entries[i] as RingEntry;
      if (entry.venueId !== null && entry.venueId !== venueId) continue;
      if (changes >= limit || (changes > 0 && bytes + entry.json.length > maxBytes)) {
        more = true;
        break;
      }
      if (changes > 0) parts.push(COMMA);
      parts.push(entry.json);
      changes += 1;
      bytes += entry.json.length;
      next = entry.seq;
      noticedAt = Math.min(noticedAt, entry.noticedAt);
    }
    // The page as pageJson writes it: up to `"changes":[`, the changes, and `]}`.
    const whole = pageJson({ after, next, more, remaining: null, head: Math.max(this.head, next), items: '' });
    parts[0] = Buffer.from(whole.slice(0, -2));
    parts.push(CLOSE);
    return { bytes: Buffer.concat(parts), changes, next, noticedAt };
  }
}
