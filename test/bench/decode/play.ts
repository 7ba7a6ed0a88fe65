/**
 * Playing a video through a desk's reading chain, as the app runs it, with
 * the app's own code at every step: the decoder on each frame the worker
 * takes (a camera at 30 frames a second, the worker taking the newest frame
 * whenever it is free, so a slow decode skips frames, as in the app), the
 * OCR gate and reader on their own thread, the page's sight tracker, and
 * the page's parsers. Time is video time: frames arrive on the camera's
 * clock, and each decode and OCR read takes the CPU time it really used here
 * (the worker and the OCR each have a core of their own in the app).
 *
 * Two chains: today's (sight tracker, cross-checks, OCR) and the one before
 * issue 18 (each new code shown at once, no OCR), with their own decoders.
 */
import { parseTicketCode } from '../../../src/ticket';
import type { DecodedCode } from '../../../renderer/src/scanner/decoder';
import { OcrGate } from '../../../renderer/src/scanner/ocr/gate';
import type { FrameRead } from '../../../renderer/src/scanner/pipeline';
import type { Luma } from '../../../renderer/src/scanner/preprocess';
import { PresentationTracker } from '../../../renderer/src/scanner/presentation';
import { readTicket } from '../../../renderer/src/scanner/reads';
import { SightTracker, type SightEvent } from '../../../renderer/src/scanner/sight';
import { cpuMs } from '../stats';
import { FPS, type Expected, type Video } from './videos';

/** The venue's municipality, for 10-digit NW-7 reads. */
const VENUE_MUNICIPALITY = '131016';

export type Card =
  | { readonly kind: 'ticket'; readonly number: string; readonly via: 'code' | 'ocr' }
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'pack'; readonly text: string }
  | { readonly kind: 'two-tickets' };

export interface Chain {
  readonly name: string;
  decode(frame: Luma): Promise<FrameRead>;
  /**
   * A second decoder of the same kind, fed the same frames (so always in the
   * same state), timed too: each frame takes the lower of the two times, as
   * the frame bench takes the lower of two passes. On this shared machine a
   * single timing also counts other processes on the core and the garbage
   * the bench itself leaves (rendering, the OCR, the other chain), which the
   * app's decode worker, a thread with a heap of its own, does not meet.
   */
  twin?(frame: Luma): Promise<FrameRead>;
  /** The page: today's sight tracker, or the presentation tracker before issue 18. */
  readonly page: 'sight' | 'presentation';
  /** The OCR reader (its own thread), or null. */
  readonly ocr: ((frame: Luma) => string[]) | null;
}

export interface Played {
  readonly cards: readonly { readonly at: number; readonly card: Card }[];
  /** Per decoded frame: the lower of the decoder's and its twin's time (the decoder's alone without a twin). */
  readonly decodeMs: readonly number[];
  /** Per decoded frame: the decoder's own time, interference included. */
  readonly decodeFirstMs: readonly number[];
  readonly ocrMs: readonly number[];
  readonly framesDecoded: number;
}

function cardOf(text: string, via: 'code' | 'ocr'): Card {
  const read = readTicket(text, VENUE_MUNICIPALITY);
  if (read.kind === 'ticket') return { kind: 'ticket', number: read.ticket.number, via };
  if (read.code === 'VACCINE_PACK' || read.code === 'PRODUCT_BARCODE') return { kind: 'pack', text };
  return { kind: 'refused', code: read.code };
}

function cardsOfEvents(events: readonly SightEvent[]): Card[] {
  const cards: Card[] = [];
  for (const e of events) {
    if (e.kind === 'read') cards.push(cardOf(e.text, e.via));
    else if (e.kind === 'two-tickets') cards.push({ kind: 'two-tickets' });
    else if (e.kind === 'misread') cards.push({ kind: 'refused', code: 'CODES_DISAGREE' });
  }
  return cards;
}

export async function play(video: Video, chain: Chain): Promise<Played> {
  const frameMs = 1000 / FPS;
  const sight = new SightTracker();
  const presentation = new PresentationTracker();
  const gate = new OcrGate();
  const cards: { at: number; card: Card }[] = [];
  const decodeMs: number[] = [];
  const decodeFirstMs: number[] = [];
  const ocrMs: number[] = [];
  let pending: { at: number; frameAt: number; lines: string[] } | null = null;
  let t = 0;
  let taken = -1;
  const deliver = (until: number) => {
    if (!pending || pending.at > until) return;
    const { at, frameAt, lines } = pending;
    pending = null;
    gate.done();
    if (lines.length > 0) for (const card of cardsOfEvents(sight.observe({ at: frameAt, codes: [], lines }))) cards.push({ at, card });
  };
  for (;;) {
    let index = Math.floor(t / frameMs + 1e-9);
    if (index <= taken) {
      index = taken + 1;
      t = index * frameMs;
    }
    if (index >= video.frameCount) break;
    const frame = video.frame(index);
    const started = cpuMs();
    const read = await chain.decode(frame);
    const first = cpuMs() - started;
    let took = first;
    if (chain.twin) {
      const again = cpuMs();
      await chain.twin(frame);
      took = Math.min(first, cpuMs() - again);
    }
    decodeFirstMs.push(first);
    decodeMs.push(took);
    const frameAt = t;
    t += took;
    taken = index;
    deliver(t);
    if (chain.page === 'sight') {
      for (const card of cardsOfEvents(sight.observe({ at: frameAt, codes: read.codes, quality: read.quality }))) cards.push({ at: t, card });
      if (chain.ocr && !pending && gate.offer(frameAt, read.codes.length, read.quality)) {
        const o = cpuMs();
        const lines = chain.ocr(frame).filter((line) => parseTicketCode(line).ok);
        const ocrTook = cpuMs() - o;
        ocrMs.push(ocrTook);
        // The OCR worker runs beside the decode worker: its result arrives when it is done, decoding goes on meanwhile.
        pending = { at: frameAt + ocrTook, frameAt, lines };
      }
    } else {
      const fresh = presentation.observe(read.codes.map((c: DecodedCode) => c.text), frameAt);
      for (const text of fresh) cards.push({ at: t, card: cardOf(text, 'code') });
    }
  }
  deliver(Infinity);
  return { cards, decodeMs, decodeFirstMs, ocrMs, framesDecoded: decodeMs.length };
}

export interface Judged {
  /** The right card, and when (ms after the ticket entered the view); null: never. */
  readonly rightAt: number | null;
  /** A card naming another ticket (or another pack) than the one in view. */
  readonly misread: boolean;
  /** Refused as a misread (codes disagreeing, a failed check digit): safe, but no card for the person. */
  readonly refused: number;
}

export function judge(expected: Expected, cards: Played['cards']): Judged {
  let rightAt: number | null = null;
  let misread = false;
  let refused = 0;
  for (const { at, card } of cards) {
    switch (card.kind) {
      case 'ticket':
        if (expected.kind === 'ticket' && card.number === expected.number) rightAt ??= at;
        else if (!(expected.kind === 'two-tickets' && expected.numbers.includes(card.number))) misread = true;
        break;
      case 'two-tickets':
        if (expected.kind === 'two-tickets') rightAt ??= at;
        break;
      case 'pack':
        if (expected.kind === 'pack' && card.text === expected.text) rightAt ??= at;
        else misread = true;
        break;
      case 'refused':
        refused++;
        break;
    }
  }
  return { rightAt, misread, refused };
}
