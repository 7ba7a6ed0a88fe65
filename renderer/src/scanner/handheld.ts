/**
 * Handheld scanners in keyboard mode type their read as a burst of keys, a
 * few milliseconds apart, usually ending in Enter (or Tab). People type ten
 * times slower. This tells the two apart by timing alone; the DOM side
 * (handheld-dom.ts) decides what to do with a burst.
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
  /** Longest gap between two keys of one burst. */
  readonly maxGapMs: number;
  /** Fewest characters a read has (a 10-digit NW-7 number is the shortest ticket). */
  readonly minLength: number;
}

export const DEFAULT_BURST: BurstOptions = { maxGapMs: 50, minLength: 8 };

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

export class BurstDetector {
  private buffer = '';
  private lastAt = -Infinity;
  private gaps: number[] = [];

  constructor(private readonly options: BurstOptions = DEFAULT_BURST) {}

  step(stroke: KeyStroke): BurstStep {
    if (MODIFIERS.has(stroke.key)) return { kind: 'key', startsBurst: false };
    const gap = stroke.time - this.lastAt;
    if (TERMINATORS.has(stroke.key)) {
      const text = this.buffer;
      const isBurst =
        text.length >= this.options.minLength && gap <= this.options.maxGapMs * 2 && this.gaps.every((g) => g <= this.options.maxGapMs);
      this.clear();
      return isBurst ? { kind: 'scan', text } : { kind: 'key', startsBurst: false };
    }
    const ch = characterOf(stroke);
    if (ch === null) {
      this.clear();
      return { kind: 'key', startsBurst: false };
    }
    if (this.buffer !== '' && gap <= this.options.maxGapMs) {
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
