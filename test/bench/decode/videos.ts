/**
 * The video corpus: short camera sequences of a ticket (or a pack label)
 * coming into view, at 30 frames a second, each from a seed. What is judged
 * is what the desk is shown, per video: the right card, and how long after
 * the ticket entered the view. Classes, as issue 18 lists them: a hand
 * bringing the ticket in (motion blur, then sharp), focus hunting (defocus,
 * then sharp), curled paper, an NW-7 turned off-centre, a damaged QR with a
 * good NW-7, two tickets in view, tickets with only the printed line (OCR-B)
 * under the same faults, near misses for the OCR (lines full of 1, 4 and 7
 * where a wrong digit would still pass the municipality check digit), a
 * vial's DataBar Limited Composite and a case's GS1-128.
 */
import { municipalityCheckDigit } from '../../../src/privacy/checkdigits';
import { gtinCheckDigit } from '../../../src/gs1/gtin';
import type { Frame, Gray } from './image';
import { mulberry32, seedOf, type Rng } from '../../support/random';
import { caseLabel, filtered, shootClean, ticketPaper, vialLabel, type Faults, type Paper, type Pose, type TicketContent } from './scene';

export type VideoClass =
  | 'steady'
  | 'hand-in'
  | 'defocus'
  | 'curled'
  | 'turned-nw7'
  | 'damaged-qr'
  | 'two-tickets'
  | 'ocr-only'
  | 'ocr-near-miss'
  | 'vial-databar'
  | 'case-gs1-128';

export const VIDEO_CLASSES: readonly VideoClass[] = ['steady', 'hand-in', 'defocus', 'curled', 'turned-nw7', 'damaged-qr', 'two-tickets', 'ocr-only', 'ocr-near-miss', 'vial-databar', 'case-gs1-128'];
export const OCR_CLASSES: readonly VideoClass[] = ['ocr-only', 'ocr-near-miss'];
export const PACK_CLASSES: readonly VideoClass[] = ['vial-databar', 'case-gs1-128'];

export const FPS = 30;
export const SIZE = { width: 1280, height: 720 };
/** The targets: a card within 1.5 s for a ticket with a readable code, 2.5 s for the printed line alone. */
export const CODE_DEADLINE_MS = 1500;
export const OCR_DEADLINE_MS = 2500;
/** Each video runs on past its deadline, so a late misread is still caught. */
const AFTER_MS = 500;

export type Expected =
  | { readonly kind: 'ticket'; readonly line: string; readonly number: string }
  | { readonly kind: 'two-tickets'; readonly numbers: readonly string[] }
  | { readonly kind: 'pack'; readonly text: string };

export interface VideoSpec {
  readonly id: string;
  readonly cls: VideoClass;
  readonly seed: number;
}

export interface Video {
  readonly spec: VideoSpec;
  readonly expected: Expected;
  readonly deadlineMs: number;
  readonly frameCount: number;
  /** Frame i (0: the ticket's first frame in view), rendered on first use. */
  frame(i: number): Frame;
}

export function videoSpecs(perClass: number, seed = 1, classes: readonly VideoClass[] = VIDEO_CLASSES): VideoSpec[] {
  return classes.flatMap((cls) => Array.from({ length: perClass }, (_, n) => ({ id: `${cls}/${n}`, cls, seed: seedOf(seed, 'video', cls, n) })));
}

// ---------------------------------------------------------------- content

const MUNICIPALITIES = ['13101', '13104', '08204', '12231', '01100', '27100', '14100'];
const digits = (rng: Rng, n: number, pool = '0123456789') => Array.from({ length: n }, () => pool[rng.int(0, pool.length - 1)]).join('');

function ticketLine(rng: Rng): string {
  const five = rng.pick(MUNICIPALITIES);
  return `1${rng.int(1, 5)}${five}${municipalityCheckDigit(five)}${digits(rng, 10)}`;
}

const SWAPS: Readonly<Record<string, readonly string[]>> = { '1': ['4', '7'], '4': ['1'], '7': ['1'] };

/** A substitution of 1↔4 or 7↔1 somewhere in the 18 digits that still passes the municipality check digit, or null. */
export function nearMissOf(line: string): string | null {
  for (let i = 0; i < line.length; i++) {
    for (const to of SWAPS[line[i]!] ?? []) {
      const other = `${line.slice(0, i)}${to}${line.slice(i + 1)}`;
      const five = other.slice(2, 7);
      if (i >= 2 && i < 8 && `${five}${municipalityCheckDigit(five)}` !== other.slice(2, 8)) continue;
      if (other[1] === '0') continue;
      return other;
    }
  }
  return null;
}

/** A line full of 1, 4 and 7 whose municipality code itself has a near miss that passes its check digit. */
function nearMissLine(rng: Rng): string {
  for (;;) {
    const five = digits(rng, 5, '01471');
    if (five.startsWith('00')) continue;
    const municipality = `${five}${municipalityCheckDigit(five)}`;
    const line = `1${rng.pick(['1', '4', '7'])}${municipality}${digits(rng, 10, '1471')}`;
    // A 1↔4 or 7↔1 in the municipality code that still passes the check digit: the hardest kind.
    for (let i = 2; i < 7; i++) {
      for (const to of SWAPS[line[i]!] ?? []) {
        const changed = `${five.slice(0, i - 2)}${to}${five.slice(i - 1)}`;
        if (municipalityCheckDigit(changed) === municipalityCheckDigit(five)) return line;
      }
    }
  }
}

// ---------------------------------------------------------------- motion

interface Shot {
  readonly papers: readonly { paper: Paper; pose: Pose }[];
  readonly faults: Faults;
}

/** How the scene looks at frame i. */
type Script = (i: number) => Shot;

function pose(rng: Rng, ppm: number, degrees = rng.range(-4, 4)): Pose {
  return { cx: SIZE.width / 2 + rng.range(-0.08, 0.08) * SIZE.width, cy: SIZE.height / 2 + rng.range(-0.06, 0.06) * SIZE.height, pxPerMm: ppm, degrees };
}

/** A hand brings the paper in over `frames` frames from `from` (pixels away), blurred by its speed (exposure half a frame), then holds it still. */
function handIn(paper: Paper, final: Pose, rng: Rng, frames: number): Script {
  const angle = rng.range(0, 2 * Math.PI);
  const distance = rng.range(160, 260);
  return (i) => {
    if (i >= frames) return { papers: [{ paper, pose: final }], faults: {} };
    // Slowing down as it arrives: position eases out.
    const left = (1 - i / frames) ** 2;
    const speed = (2 * distance * (1 - i / frames)) / frames;
    const cx = final.cx + Math.cos(angle) * distance * left;
    const cy = final.cy + Math.sin(angle) * distance * left;
    return { papers: [{ paper, pose: { ...final, cx, cy } }], faults: { motionPx: speed * 0.5, motionDegrees: (angle * 180) / Math.PI } };
  };
}

function focusHunt(paper: Paper, final: Pose, rng: Rng, frames: number): Script {
  const start = rng.range(2.2, 3.2);
  return (i) => ({ papers: [{ paper, pose: final }], faults: { defocus: i >= frames ? 0 : Math.max(0.4, start * (1 - i / frames)) } });
}

/** One of the faults of the code classes, for the OCR classes: still, hand in, focus hunting, curled, turned. */
function anyFault(paper: Paper, final: Pose, rng: Rng): Script {
  switch (rng.int(0, 4)) {
    case 0:
      return () => ({ papers: [{ paper, pose: final }], faults: {} });
    case 1:
      return handIn(paper, final, rng, rng.int(4, 8));
    case 2:
      return focusHunt(paper, final, rng, rng.int(6, 12));
    case 3:
      return () => ({ papers: [{ paper, pose: { ...final, curl: rng.range(0.5, 0.9) } }], faults: {} });
    default:
      return () => ({ papers: [{ paper, pose: { ...final, degrees: rng.sign() * rng.range(8, 18) } }], faults: {} });
  }
}

// ---------------------------------------------------------------- videos

interface Made {
  readonly expected: Expected;
  readonly script: Script;
  readonly ocr: boolean;
}

function make(spec: VideoSpec): Made {
  const rng = mulberry32(spec.seed);
  const line = ticketLine(rng);
  const ticket = (content: Partial<TicketContent> = {}) => ticketPaper({ line, qr: 'good', nw7: true, ocr: true, ...content }, rng);
  const expectTicket: Expected = { kind: 'ticket', line, number: line.slice(8) };
  const ppm = () => rng.range(5, 7);
  switch (spec.cls) {
    case 'steady': {
      const p = ppm();
      return { expected: expectTicket, ocr: false, script: ((paper, at) => () => ({ papers: [{ paper, pose: at }], faults: {} }))(filtered(ticket(), p), pose(rng, p)) };
    }
    case 'hand-in': {
      const p = ppm();
      return { expected: expectTicket, ocr: false, script: handIn(filtered(ticket(), p), pose(rng, p), rng, rng.int(5, 9)) };
    }
    case 'defocus': {
      const p = ppm();
      return { expected: expectTicket, ocr: false, script: focusHunt(filtered(ticket(), p), pose(rng, p), rng, rng.int(8, 14)) };
    }
    case 'curled': {
      const p = ppm();
      const at = { ...pose(rng, p), curl: rng.range(0.6, 1) };
      const paper = filtered(ticket(), p);
      return { expected: expectTicket, ocr: false, script: () => ({ papers: [{ paper, pose: at }], faults: {} }) };
    }
    case 'turned-nw7': {
      const p = rng.range(5.5, 7);
      const paper = filtered(ticket({ qr: 'none' }), p);
      // Away from the middle: a quarter of the frame off in each direction, turned 15–35°.
      const at: Pose = { cx: SIZE.width / 2 + rng.sign() * rng.range(0.18, 0.26) * SIZE.width, cy: SIZE.height / 2 + rng.sign() * rng.range(0.1, 0.18) * SIZE.height, pxPerMm: p, degrees: rng.sign() * rng.range(15, 35) };
      return { expected: expectTicket, ocr: false, script: () => ({ papers: [{ paper, pose: at }], faults: {} }) };
    }
    case 'damaged-qr': {
      const p = ppm();
      return { expected: expectTicket, ocr: false, script: handIn(filtered(ticket({ qr: 'damaged' }), p), pose(rng, p), rng, rng.int(3, 6)) };
    }
    case 'two-tickets': {
      const other = ticketLine(rng);
      const p = rng.range(4.2, 4.8);
      const a = filtered(ticket(), p);
      const b = filtered(ticketPaper({ line: other, qr: 'good', nw7: true, ocr: true }, rng), p);
      const pa: Pose = { cx: SIZE.width * rng.range(0.24, 0.3), cy: SIZE.height * rng.range(0.45, 0.55), pxPerMm: p, degrees: rng.range(-5, 5) };
      const pb: Pose = { cx: SIZE.width * rng.range(0.7, 0.76), cy: SIZE.height * rng.range(0.45, 0.55), pxPerMm: p, degrees: rng.range(-5, 5) };
      return { expected: { kind: 'two-tickets', numbers: [line.slice(8), other.slice(8)] }, ocr: false, script: () => ({ papers: [{ paper: a, pose: pa }, { paper: b, pose: pb }], faults: {} }) };
    }
    case 'ocr-only': {
      const p = ppm();
      return { expected: expectTicket, ocr: true, script: anyFault(filtered(ticket({ qr: 'none', nw7: false, font: rng.pick(['OCRB', 'OCRBL', 'OCRBS'] as const) }), p), pose(rng, p), rng) };
    }
    case 'ocr-near-miss': {
      const hard = nearMissLine(rng);
      const p = rng.range(4.5, 6);
      const paper = filtered(ticketPaper({ line: hard, qr: 'none', nw7: false, ocr: true, font: rng.pick(['OCRB', 'OCRBL', 'OCRBS'] as const) }, rng), p);
      const at = pose(rng, p);
      // Softer than the rest: focus never quite settles, or the hand never quite stops.
      const faults: Faults = rng.next() < 0.5 ? { defocus: rng.range(0.9, 1.5) } : { motionPx: rng.range(2, 4), motionDegrees: rng.range(0, 180) };
      return { expected: { kind: 'ticket', line: hard, number: hard.slice(8) }, ocr: true, script: () => ({ papers: [{ paper, pose: at }], faults }) };
    }
    case 'vial-databar': {
      const body = `0498${digits(rng, 9)}`;
      const gtin = `${body}${gtinCheckDigit(body)}`;
      const p = rng.range(8, 10);
      const paper = filtered(vialLabel(`(01)${gtin}|(17)${rng.int(27, 29)}1231(10)${digits(rng, 6)}`, rng), p);
      return { expected: { kind: 'pack', text: `]e001${gtin}` }, ocr: false, script: handIn(paper, pose(rng, p), rng, rng.int(3, 6)) };
    }
    case 'case-gs1-128': {
      const body = `1498${digits(rng, 9)}`;
      const gtin = `${body}${gtinCheckDigit(body)}`;
      const expiry = `${rng.int(27, 29)}${String(rng.int(1, 12)).padStart(2, '0')}28`;
      const lot = `FA${digits(rng, 4)}`;
      // A case is big: held farther, 0.5 mm modules at 2–2.4 px.
      const p = rng.range(4, 4.8);
      const paper = filtered(caseLabel(`(01)${gtin}(17)${expiry}(10)${lot}`, rng), p);
      return { expected: { kind: 'pack', text: `]C101${gtin}17${expiry}10${lot}` }, ocr: false, script: handIn(paper, pose(rng, p, rng.range(-3, 3)), rng, rng.int(3, 6)) };
    }
  }
}

/** Sensor noise (σ 2.5 grey levels), drawn once per video; each frame reads it from its own offset. */
const NOISE_SIGMA = 2.5;

export function renderVideo(spec: VideoSpec): Video {
  const { expected, script, ocr } = make(spec);
  const deadlineMs = ocr ? OCR_DEADLINE_MS : CODE_DEADLINE_MS;
  const frameCount = Math.ceil(((deadlineMs + AFTER_MS) / 1000) * FPS);
  // A still scene is the same picture frame after frame but for the noise: drawn once (by what it shows).
  const clean = new Map<string, Gray>();
  const frames = new Map<number, Frame>();
  const rng = mulberry32(seedOf(spec.seed, 'noise'));
  const noise = Float32Array.from({ length: SIZE.width * SIZE.height + 8_192 }, () => NOISE_SIGMA * rng.gaussian());
  return {
    spec,
    expected,
    deadlineMs,
    frameCount,
    frame(i) {
      const done = frames.get(i);
      if (done) return done;
      const shot = script(i);
      const key = JSON.stringify([shot.papers.map((p) => p.pose), shot.faults, shot.papers.length]);
      let picture = clean.get(key);
      if (!picture) {
        // The same desk in every frame of the video.
        picture = shootClean(SIZE, shot.papers, shot.faults, mulberry32(seedOf(spec.seed, 'desk')));
        clean.set(key, picture);
      }
      const offset = (i * 7_919) % 8_192;
      const out = new Uint8ClampedArray(picture.data.length);
      // A clamped array rounds and clamps on assignment.
      for (let p = 0; p < out.length; p++) out[p] = picture.data[p]! + noise[p + offset]!;
      const frame = { width: SIZE.width, height: SIZE.height, data: out };
      // Both chains play the same frames: each is made once.
      frames.set(i, frame);
      return frame;
    },
  };
}
