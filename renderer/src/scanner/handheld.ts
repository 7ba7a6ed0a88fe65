/**
 * Handheld scanners in keyboard mode type their read as a burst of keys,
 * usually ending in Enter (or Tab). People type ten times slower. This tells
 * the two apart by timing alone; the DOM side (handheld-dom.ts) decides what
 * to do with a burst.
 *
 * Scanners are not all alike: a USB scanner sends keys a few ms apart, a
 * Bluetooth one 10–40 ms apart, some in uneven clumps (three keys at once,
 * then a pause of 90 ms while the radio waits). So a burst is judged whole,
 * when its Enter comes: the keys since the last long pause (`splitGapMs`)
 * are a scan when there are enough of them and their typical (median) gap
 * is a scanner's (`maxGapMs`), not a person's. A clumped scan is one read,
 * never a read error plus stray digits. A "test scan" in Settings measures
 * the desk's own scanner (calibrateBurst) and sets both gaps for it.
 */
export interface KeyStroke {
  /** KeyboardEvent.key */
  readonly key: string;
  /** Milliseconds (event.timeStamp). */
  readonly time: number;
  readonly ctrlKey?: boolean;
  readonly altKey?: boolean;
  readonly metaKey?: boolean;
}

export interface BurstOptions {
  /** The median gap between the keys of a burst may be at most this (a person's is 80 ms and more). */
  readonly maxGapMs: number;
  /** A pause longer than this ends a burst (a clumped scanner pauses up to about 100 ms). */
  readonly splitGapMs: number;
  /** Fewest characters a read has (a 10-digit NW-7 number is the shortest ticket). */
  readonly minLength: number;
}

export const DEFAULT_BURST: BurstOptions = { maxGapMs: 45, splitGapMs: 150, minLength: 8 };
/** However slow the scanner a test scan measured, a median gap above this would let fast typing through. */
export const MAX_BURST_GAP_MS = 60;
export const MAX_SPLIT_GAP_MS = 400;

export type BurstStep =
  /** An ordinary key: let it be. `startsBurst` marks the first key of what may become a burst. */
  | { readonly kind: 'key'; readonly startsBurst: boolean }
  /** The Enter/Tab that ends a burst: a scan. */
  | { readonly kind: 'scan'; readonly text: string };

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'AltGraph']);
const TERMINATORS = new Set(['Enter', 'Tab']);
const GS = '\u001d';

/** The character a key adds to a read, or null. Scanners send GS (FNC1) as Ctrl+]. */
function characterOf(stroke: KeyStroke): string | null {
  if (stroke.ctrlKey && (stroke.key === ']' || stroke.key === GS)) return GS;
  if (stroke.ctrlKey || stroke.altKey || stroke.metaKey) return null;
  return stroke.key.length === 1 ? stroke.key : null;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The burst options for the scanner that typed `strokes` (one test scan,
 * Enter not needed): the median gap with room to spare, and a pause limit
 * above its longest pause; both bounded so typing can never pass for a scan.
 */
export function calibrateBurst(strokes: readonly KeyStroke[]): BurstOptions {
  const times = strokes.filter((s) => !MODIFIERS.has(s.key) && !TERMINATORS.has(s.key)).map((s) => s.time);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  if (gaps.length === 0) return DEFAULT_BURST;
  const maxGapMs = Math.min(MAX_BURST_GAP_MS, Math.max(DEFAULT_BURST.maxGapMs, Math.ceil(median(gaps) * 1.5)));
  const splitGapMs = Math.min(MAX_SPLIT_GAP_MS, Math.max(DEFAULT_BURST.splitGapMs, Math.ceil(Math.max(...gaps) * 1.5)));
  return { ...DEFAULT_BURST, maxGapMs, splitGapMs };
}

export class BurstDetector {
  private buffer = '';
  private lastAt = -Infinity;
  private gaps: number[] = [];

  constructor(private options: BurstOptions = DEFAULT_BURST) {}

  /** The desk's own scanner, measured by a test scan. */
  configure(options: BurstOptions): void {
    this.options = options;
    this.clear();
  }

  step(stroke: KeyStroke): BurstStep {
    if (MODIFIERS.has(stroke.key)) return { kind: 'key', startsBurst: false };
    const gap = stroke.time - this.lastAt;
    if (TERMINATORS.has(stroke.key)) {
      const text = this.buffer;
      const isBurst = text.length >= this.options.minLength && gap <= this.options.splitGapMs && median(this.gaps) <= this.options.maxGapMs;
      this.clear();
      return isBurst ? { kind: 'scan', text } : { kind: 'key', startsBurst: false };
    }
    const ch = characterOf(stroke);
    if (ch === null) {
      this.clear();
      return { kind: 'key', startsBurst: false };
    }
    if (this.buffer !== '' && gap <= this.options.splitGapMs) {
      this.buffer += ch;
      this.gaps.push(gap);
      this.lastAt = stroke.time;
      return { kind: 'key', startsBurst: false };
    }
    this.buffer = ch;
    this.gaps = [];
    this.lastAt = stroke.time;
    return { kind: 'key', startsBurst: true };
  }

  clear(): void {
    this.buffer = '';
    this.gaps = [];
    this.lastAt = -Infinity;
  }
}
