/**
 * The OCR-B digit reader: each cell of a line found by line.ts is sampled
 * on a 12 × 16 grid along the line (so a turned ticket reads like a straight
 * one), normalised for light and contrast, and compared with the ten digit
 * templates drawn from the OCR-B font (templates.ts, made by
 * scripts/make-ocrb-templates.ts) by normalised cross-correlation, at small
 * shifts. A line is read only when every digit is clearly one digit: its
 * best score high and well ahead of the second best. A doubtful digit makes
 * the whole line unread — never a guess — and the caller still asks the
 * municipality check digit and a second frame to agree.
 */
import type { Luma } from '../preprocess';
import { findTextLines, type TextLine } from './line';
import { OCRB_TEMPLATES, TEMPLATE_HEIGHT, TEMPLATE_WIDTH } from './templates';

export const GRID_W = TEMPLATE_WIDTH;
export const GRID_H = TEMPLATE_HEIGHT;
/** The cell spans the advance across the line and the cap height plus a margin along it, as the templates do. */
const CELL_W_PER_CAP = 0.723 / 0.77;
const CELL_H_PER_CAP = 0.95 / 0.77;

/**
 * A digit must match this well… (on 150 soft frames of ocr-only and
 * near-miss tickets no wrong line passed even at 0.55 and 0.04; these leave
 * room, and a second frame must still agree).
 */
export const MIN_SCORE = 0.65;
/** …and this much better than any other digit. */
export const MIN_MARGIN = 0.07;

export interface DigitRead {
  readonly digit: number;
  readonly score: number;
  readonly margin: number;
}

export interface LineRead {
  readonly text: string;
  readonly digits: readonly DigitRead[];
  /** Every digit clear enough. */
  readonly sure: boolean;
}

const templates = OCRB_TEMPLATES.map(normalise);

function normalise(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values);
  let mean = 0;
  for (const v of out) mean += v;
  mean /= out.length;
  let norm = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = out[i]! - mean;
    norm += out[i]! ** 2;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}

function bilinear(luma: Luma, x: number, y: number): number {
  const { width, height, data } = luma;
  const fx = Math.min(Math.max(x - 0.5, 0), width - 1.001);
  const fy = Math.min(Math.max(y - 0.5, 0), height - 1.001);
  const i = Math.floor(fx);
  const j = Math.floor(fy);
  const dx = fx - i;
  const dy = fy - j;
  const p = j * width + i;
  return (data[p]! * (1 - dx) + data[p + 1]! * dx) * (1 - dy) + (data[p + width]! * (1 - dx) + data[p + width + 1]! * dx) * dy;
}

/** A cell sampled on a (GRID_W + 2) × (GRID_H + 2) grid (a one-sample border for the shifts), ink high. */
function sampleCell(luma: Luma, line: TextLine, cx: number, cy: number, slant: number): Float32Array {
  const cw = line.height * CELL_W_PER_CAP;
  const ch = line.height * CELL_H_PER_CAP;
  const gw = GRID_W + 2;
  const gh = GRID_H + 2;
  const sx = cw / GRID_W;
  const sy = ch / GRID_H;
  // Average 2 × 2 (or more) points per sample when the cell is larger than the grid.
  const sub = Math.max(1, Math.min(3, Math.round(Math.max(sx, sy))));
  const out = new Float32Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let sum = 0;
      for (let a = 0; a < sub; a++) {
        for (let b = 0; b < sub; b++) {
          const v = (gy - 1 + (b + 0.5) / sub - GRID_H / 2) * sy;
          // An oblique cut leans right: higher up the cell (v < 0), the stroke lies further along the line.
          const u = (gx - 1 + (a + 0.5) / sub - GRID_W / 2) * sx - v * slant;
          sum += bilinear(luma, cx + u * line.ux - v * line.uy, cy + u * line.uy + v * line.ux);
        }
      }
      out[gy * gw + gx] = 255 - sum / (sub * sub);
    }
  }
  return out;
}

/** The best digit for a cell and how clear it is: NCC against each template at shifts of one sample. */
export function readCell(luma: Luma, line: TextLine, cx: number, cy: number, slant = 0): DigitRead {
  const grid = sampleCell(luma, line, cx, cy, slant);
  const gw = GRID_W + 2;
  const best = new Float32Array(10).fill(-1);
  const window = new Float32Array(GRID_W * GRID_H);
  for (let oy = 0; oy <= 2; oy++) {
    for (let ox = 0; ox <= 2; ox++) {
      for (let y = 0; y < GRID_H; y++) for (let x = 0; x < GRID_W; x++) window[y * GRID_W + x] = grid[(y + oy) * gw + x + ox]!;
      const w = normalise(window);
      for (let d = 0; d < 10; d++) {
        const t = templates[d]!;
        let score = 0;
        for (let i = 0; i < w.length; i++) score += w[i]! * t[i]!;
        if (score > best[d]!) best[d] = score;
      }
    }
  }
  let digit = 0;
  for (let d = 1; d < 10; d++) if (best[d]! > best[digit]!) digit = d;
  let second = -1;
  for (let d = 0; d < 10; d++) if (d !== digit && best[d]! > second) second = best[d]!;
  return { digit, score: best[digit]!, margin: best[digit]! - second };
}

/** Reads the digits of one line found in the frame. */
export function readLine(luma: Luma, line: TextLine, slant = 0): LineRead {
  const digits = line.cells.map((c) => readCell(luma, line, c.x, c.y, slant));
  return { text: digits.map((d) => d.digit).join(''), digits, sure: digits.every((d) => d.score >= MIN_SCORE && d.margin >= MIN_MARGIN) };
}

/**
 * Every 18-digit line in the frame read with every digit clear. The caller
 * checks the municipality check digit (parseTicketCode) and waits for a
 * second frame (sight.ts) before anything is shown.
 */
export function readTicketLines(luma: Luma): string[] {
  const out: string[] = [];
  for (const line of findTextLines(luma)) {
    if (line.cells.length !== 18) continue;
    const read = bestSlant(luma, line);
    if (read.sure) out.push(read.text);
  }
  return out;
}

/**
 * Slants (the along-line shift per unit of height) the cells are sampled at.
 * Tickets are printed in upright and oblique cuts of OCR-B (fonts-ocr-b's
 * OCRBL leans about 0.2–0.3); against the upright templates an oblique 5, 6
 * or 0 was never wrong but too close to its neighbours to call on a slightly
 * soft frame, so the whole line went unread (2 of 12 ocr-only videos in the
 * bench). Each line is read at each slant and the reading whose digits match
 * their templates best overall is kept; it must still be sure digit by digit.
 */
export const SLANTS = [0, 0.2, 0.3] as const;

function bestSlant(luma: Luma, line: TextLine): LineRead {
  let best: LineRead | null = null;
  let bestScore = -Infinity;
  for (const slant of SLANTS) {
    const read = readLine(luma, line, slant);
    const score = read.digits.reduce((sum, d) => sum + d.score, 0);
    if (score > bestScore) {
      best = read;
      bestScore = score;
    }
  }
  return best!;
}
