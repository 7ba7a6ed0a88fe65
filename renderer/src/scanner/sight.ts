/**
 * One sight of a ticket: from the moment something comes into view until it
 * has gone. The camera reads frame after frame; this decides, from all the
 * reads of one sight together, what the desk is told:
 *
 * - a ticket, once, when its read is certain: a QR at once (error
 *   correction and the municipality check digit stand behind it); an NW-7
 *   (no check digit at all) or the printed line (OCR) only when two frames
 *   read the same, or another code on the ticket agrees;
 * - "misread" when the codes of one ticket disagree (the NW-7 is the last ten
 *   digits of the QR's 18), read side by side in one frame or alternating;
 * - "two tickets in view" when two tickets are read at the same time, or
 *   each in turn, instead of a verdict for either;
 * - packs (GS1) and anything that is no ticket as before: each new one once.
 *
 * A different ticket that replaces the first (the first no longer read)
 * is simply the next read, at once. "Gone" needs both time and evidence, as
 * in presentation.ts: a stalled camera never makes a held ticket new again.
 */
import { parseTicketCode } from '../../../src/ticket';
import type { Box, CodeFormat, DecodedCode } from './decoder';
import { ABSENCE_MS, MIN_MISSED_FRAMES, PresentationTracker } from './presentation';
import type { QualityReading } from './quality';

export type ReadVia = 'code' | 'ocr';

export type SightEvent =
  | { readonly kind: 'read'; readonly text: string; readonly format: CodeFormat | 'ocr'; readonly via: ReadVia; readonly sightStartedAt: number }
  | { readonly kind: 'misread'; readonly sightStartedAt: number }
  | { readonly kind: 'two-tickets'; readonly sightStartedAt: number }
  /** A sight ended without a read: the health figures count it. */
  | { readonly kind: 'failed-sight'; readonly sightStartedAt: number };

export interface Observation {
  /** Page time of the frame (ms). */
  readonly at: number;
  readonly codes: readonly DecodedCode[];
  readonly quality?: QualityReading;
  /** Lines the OCR read from a frame of this sight: 18 digits that pass the municipality check digit. */
  readonly lines?: readonly string[];
}

/** Strong edges a frame needs for "something is in view" (an empty desk has next to none). */
export const EDGES_IN_VIEW = 60;
/** A sight that shows something this long and gives nothing is a failed sight. */
export const FAILED_SIGHT_MS = 1500;
/** Codes that alternate within this long are in view together. */
export const ALTERNATION_MS = 1000;
/**
 * A disagreement is named after this long: two tickets keep showing both
 * (their QRs, or codes read again and again far apart), a misread NW-7 is
 * a one-off beside the QR. Two QRs at once are two tickets at once.
 */
export const SETTLE_MS = 300;

interface TicketSeen {
  /** The last ten digits: what the QR, the NW-7 and the line share. */
  readonly number: string;
  line18: string | null;
  firstAt: number;
  lastAt: number;
  missed: number;
  /** Frames (or OCR results) that read it, by how. */
  codeFrames: number;
  qrFrames: number;
  ocrReads: number;
  box: Box | null;
  emitted: boolean;
  /** The newest raw text read, for the event. */
  text: string;
  format: CodeFormat | 'ocr';
}

/** The ten ticket digits of a read and the 18 when the read has them, or null when it is no ticket. */
function ticketDigits(text: string): { number: string; line18: string | null } | null {
  // A placeholder municipality: only the digits matter here; the page parses again with the venue's.
  const parsed = parseTicketCode(text, { defaultMunicipality: '131016' });
  if (!parsed.ok) return null;
  return parsed.format === 'line18' ? { number: parsed.number, line18: `${parsed.kind}${parsed.dose}${parsed.municipality}${parsed.number}` } : { number: parsed.number, line18: null };
}

const centre = (b: Box) => [b.x + b.width / 2, b.y + b.height / 2] as const;

/** Two codes of one ticket sit within a ticket's reach of each other; two tickets' codes further apart. */
function sameTicket(a: Box | null, b: Box | null): boolean {
  if (!a || !b) return true;
  const [ax, ay] = centre(a);
  const [bx, by] = centre(b);
  const reach = 3 * Math.max(a.width, a.height, b.width, b.height);
  return Math.hypot(ax - bx, ay - by) <= reach;
}

export class SightTracker {
  private readonly tickets = new Map<string, TicketSeen>();
  private readonly others = new PresentationTracker();
  private sightStart: number | null = null;
  private lastContentAt = -Infinity;
  private contentMissed = 0;
  private gaveSomething = false;
  /** Codes of this sight disagree: since when, and what the desk was told (once each). */
  private conflictState: { since: number; said: 'misread' | 'two-tickets' | null } | null = null;

  observe(observation: Observation): SightEvent[] {
    const { at } = observation;
    const events: SightEvent[] = [];
    const tickets: { digits: { number: string; line18: string | null }; code: DecodedCode | null; text: string; via: ReadVia }[] = [];
    const otherTexts: string[] = [];
    const otherCodes = new Map<string, DecodedCode>();
    for (const code of observation.codes) {
      const digits = code.format === 'qr' || code.format === 'codabar' ? ticketDigits(code.text) : null;
      if (digits) tickets.push({ digits, code, text: code.text, via: 'code' });
      else {
        otherTexts.push(code.text);
        otherCodes.set(code.text, code);
      }
    }
    for (const line of observation.lines ?? []) {
      const digits = ticketDigits(line);
      if (digits) tickets.push({ digits, code: null, text: line, via: 'ocr' });
    }

    const content = observation.codes.length > 0 || (observation.lines?.length ?? 0) > 0 || (observation.quality?.edges ?? 0) >= EDGES_IN_VIEW;
    if (content) {
      if (this.sightStart === null) this.sightStart = at;
      this.lastContentAt = at;
      this.contentMissed = 0;
    } else if (this.sightStart !== null) {
      this.contentMissed++;
    }
    const sightStartedAt = this.sightStart ?? at;

    // Packs and whatever is not a ticket: each new one once (the page decides what it is).
    for (const text of this.others.observe(otherTexts, at)) {
      const code = otherCodes.get(text);
      if (code) {
        events.push({ kind: 'read', text, format: code.format, via: 'code', sightStartedAt });
        this.gaveSomething = true;
      }
    }

    // Tickets: who is present now, and since when.
    const present = new Set<string>();
    for (const t of tickets) {
      present.add(t.digits.number);
      let seen = this.tickets.get(t.digits.number);
      if (!seen) {
        seen = { number: t.digits.number, line18: null, firstAt: at, lastAt: at, missed: 0, codeFrames: 0, qrFrames: 0, ocrReads: 0, box: null, emitted: false, text: t.text, format: 'ocr' };
        this.tickets.set(t.digits.number, seen);
      }
      // The 18 digits must agree with what this ticket already showed (a QR and a line of one ticket).
      if (t.digits.line18 && seen.line18 && t.digits.line18 !== seen.line18) {
        // The same ten digits under two different 18: one of the reads is wrong.
        if (!this.conflictState) {
          this.conflictState = { since: at, said: 'misread' };
          events.push({ kind: 'misread', sightStartedAt });
        }
        continue;
      }
      seen.line18 ??= t.digits.line18;
      seen.lastAt = at;
      seen.missed = 0;
      if (t.via === 'ocr') seen.ocrReads++;
      else {
        seen.codeFrames++;
        if (t.code?.format === 'qr') seen.qrFrames++;
        seen.box = t.code?.box ?? seen.box;
        // A code's text is what the desk gets: the QR's 18 digits rather than the NW-7's ten.
        if (seen.format === 'ocr' || t.code?.format === 'qr') {
          seen.text = t.text;
          seen.format = t.code?.format ?? 'ocr';
        }
      }
      if (seen.format === 'ocr' && t.via === 'ocr') seen.text = t.text;
    }
    for (const [number, seen] of this.tickets) {
      if (present.has(number)) continue;
      seen.missed++;
      if (seen.missed >= MIN_MISSED_FRAMES && at - seen.lastAt > ABSENCE_MS) this.tickets.delete(number);
    }

    // Two different tickets now: side by side in this frame, or alternating. The printed line takes
    // part once it was shown (two OCR reads that differ are only not yet certain, never two tickets).
    const counts = (s: TicketSeen) => s.codeFrames > 0 || s.emitted;
    const now = [...present].map((n) => this.tickets.get(n)).filter((s): s is TicketSeen => s !== undefined && counts(s));
    const gone = [...this.tickets.values()].filter((s) => !present.has(s.number) && counts(s));
    let disagree = false;
    for (const a of now) {
      if (now.some((b) => b.number !== a.number)) disagree = true;
      // a came first, b after it, and a is read again: both are in view, in turn.
      if (gone.some((b) => a.firstAt < b.firstAt && at - b.lastAt <= ALTERNATION_MS)) disagree = true;
    }
    if (disagree && !this.conflictState) this.conflictState = { since: at, said: null };
    const counted = [...this.tickets.values()].filter(counts);
    if (this.conflictState) {
      const state = this.conflictState;
      const kind = this.conflictKind(counted);
      if (kind === 'two-tickets' && state.said !== 'two-tickets') {
        state.said = kind;
        events.push({ kind, sightStartedAt });
      } else if (state.said === null && at - state.since >= SETTLE_MS) {
        state.said = kind;
        events.push({ kind, sightStartedAt });
      }
      // Once one ticket is left (the other gone), it is read again afresh.
      if (counted.length <= 1 && !disagree) {
        this.conflictState = null;
        for (const seen of this.tickets.values()) seen.emitted = false;
      }
    }
    if (events.some((e) => e.kind !== 'read')) this.gaveSomething = true;

    if (!this.conflictState) {
      for (const seen of [...present].map((n) => this.tickets.get(n))) {
        if (!seen) continue;
        if (seen.emitted) continue;
        // The printed line alone never replaces a ticket already shown in this sight: a second,
        // different line is a misread of the first (the code reads can, they are surer).
        if (seen.codeFrames === 0 && [...this.tickets.values()].some((o) => o !== seen && counts(o))) continue;
        if (!this.certain(seen)) continue;
        seen.emitted = true;
        this.gaveSomething = true;
        events.push({ kind: 'read', text: seen.format === 'ocr' ? (seen.line18 ?? seen.text) : seen.text, format: seen.format, via: seen.format === 'ocr' ? 'ocr' : 'code', sightStartedAt });
      }
    }

    // The sight ends when nothing has been in view for a while (and several frames said so).
    if (this.sightStart !== null && !content && this.contentMissed >= MIN_MISSED_FRAMES && at - this.lastContentAt > ABSENCE_MS && this.tickets.size === 0) {
      if (!this.gaveSomething && this.lastContentAt - this.sightStart >= FAILED_SIGHT_MS) events.push({ kind: 'failed-sight', sightStartedAt: this.sightStart });
      this.sightStart = null;
      this.gaveSomething = false;
      this.conflictState = null;
    }
    return events;
  }

  /** Certain enough to show: a QR at once; NW-7 or the printed line in two frames, or agreeing with another code of the ticket. */
  private certain(seen: TicketSeen): boolean {
    if (seen.qrFrames > 0) return true;
    const ways = (seen.codeFrames > 0 ? 1 : 0) + (seen.ocrReads > 0 ? 1 : 0);
    if (ways >= 2) return true;
    return seen.codeFrames >= 2 || seen.ocrReads >= 2;
  }

  /** Two tickets when two QRs were read, or two codes read again and again far apart; otherwise one ticket misread. */
  private conflictKind(counted: readonly TicketSeen[]): 'misread' | 'two-tickets' {
    if (counted.filter((s) => s.qrFrames > 0).length >= 2) return 'two-tickets';
    const steady = counted.filter((s) => s.codeFrames >= 2);
    for (const a of steady) for (const b of steady) if (a.number < b.number && !sameTicket(a.box, b.box)) return 'two-tickets';
    return 'misread';
  }

  /** A restarted camera starts afresh. */
  reset(): void {
    this.tickets.clear();
    this.others.reset();
    this.sightStart = null;
    this.gaveSomething = false;
    this.conflictState = null;
    this.contentMissed = 0;
  }
}
