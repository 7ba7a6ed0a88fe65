/**
 * What the corpus shows: real barcodes rendered by bwip-js (the module
 * matrix of a QR or DataMatrix, the bar widths of an NW-7), printed on a
 * piece of "paper" that looks like the part of a ticket or vial label around
 * the code: quiet zone, then text-like print, a rule, the paper's edge.
 */
import bwipjs from 'bwip-js/node';
import { gtinCheckDigit } from '../../../src/gs1/gtin';
import { municipalityCheckDigit } from '../../../src/privacy/checkdigits';
import { createGray, fillRect, type Gray } from './image';
import type { Rng } from '../../support/random';

export type Symbology = 'qr' | 'nw7' | 'gs1dm';
export const SYMBOLOGIES: readonly Symbology[] = ['qr', 'nw7', 'gs1dm'];

export const GS = '\u001d';

export interface Payload {
  readonly symbology: Symbology;
  /** What bwip-js is given. */
  readonly encode: string;
  /** What a decoder must return, exactly: for GS1 the element string with GS after a variable-length field that is not last. */
  readonly expected: string;
}

// Real municipality prefixes (the check digit is computed, not copied).
const MUNICIPALITIES = ['13101', '13104', '08204', '12231', '01100', '27100', '14100'];

const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
const letters = (rng: Rng, n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + rng.int(0, 25))).join('');

/** The 18-digit ticket line as its QR: kind, dose, municipality (with check digit), ticket number. */
export function ticketQrPayload(rng: Rng): Payload {
  const five = rng.pick(MUNICIPALITIES);
  const line = `1${rng.int(1, 5)}${five}${municipalityCheckDigit(five)}${digits(rng, 10)}`;
  return { symbology: 'qr', encode: line, expected: line };
}

/** The 10-digit ticket number as NW-7, between start/stop characters A–D (kept in the text, as zxing returns them). */
export function ticketNw7Payload(rng: Rng): Payload {
  const text = `${rng.pick(['A', 'B', 'C', 'D'])}${digits(rng, 10)}${rng.pick(['A', 'B', 'C', 'D'])}`;
  return { symbology: 'nw7', encode: text, expected: text };
}

/** A vial or box: (01) GTIN-14, (17) expiry, (10) lot and, on half of them, (21) serial after a GS. */
export function gs1Payload(rng: Rng): Payload {
  const body = `0498${digits(rng, 9)}`;
  const gtin = `${body}${gtinCheckDigit(body)}`;
  const expiry = `${rng.int(26, 29)}${String(rng.int(1, 12)).padStart(2, '0')}${rng.pick(['00', '15', '28'])}`;
  const lot = `${letters(rng, 2)}${digits(rng, 4)}`;
  const serial = rng.next() < 0.5 ? `${letters(rng, 2)}${digits(rng, rng.int(4, 8))}` : null;
  const encode = `(01)${gtin}(17)${expiry}(10)${lot}${serial ? `(21)${serial}` : ''}`;
  const expected = `01${gtin}17${expiry}10${lot}${serial ? `${GS}21${serial}` : ''}`;
  return { symbology: 'gs1dm', encode, expected };
}

export function payloadFor(symbology: Symbology, rng: Rng): Payload {
  switch (symbology) {
    case 'qr':
      return ticketQrPayload(rng);
    case 'nw7':
      return ticketNw7Payload(rng);
    case 'gs1dm':
      return gs1Payload(rng);
  }
}

// ---------------------------------------------------------------- bwip-js

interface RawMatrix {
  readonly pixs: number[];
  readonly pixx: number;
  readonly pixy: number;
}
interface RawLinear {
  readonly sbs: number[];
}

const BCID: Record<Symbology, string> = { qr: 'qrcode', nw7: 'rationalizedCodabar', gs1dm: 'gs1datamatrix' };

/** A module matrix (QR, DataMatrix): `dark[y * cols + x]`. */
export interface MatrixSymbol {
  readonly kind: 'matrix';
  readonly cols: number;
  readonly rows: number;
  readonly dark: readonly boolean[];
}

/** A linear code: bar and space widths in narrow units (wide = 3, as bwip-js gives them). */
export interface LinearSymbol {
  readonly kind: 'linear';
  readonly widths: readonly number[];
}

export type CodeSymbol = MatrixSymbol | LinearSymbol;

export function renderSymbol(payload: Payload): CodeSymbol {
  const [raw] = bwipjs.raw({ bcid: BCID[payload.symbology], text: payload.encode }) as unknown as (RawMatrix | RawLinear)[];
  if (!raw) throw new Error(`bwip-js rendered nothing for ${payload.symbology}`);
  if ('sbs' in raw) return { kind: 'linear', widths: raw.sbs };
  return { kind: 'matrix', cols: raw.pixx, rows: raw.pixy, dark: raw.pixs.map((v) => v !== 0) };
}

// ---------------------------------------------------------------- the printed label

export interface LabelStyle {
  /** Label pixels per module (narrow bar for NW-7): oversampled, so the camera model can filter it down. */
  readonly unit: number;
  readonly paper: number;
  readonly ink: number;
  /** NW-7 wide-to-narrow ratio (2.5–3 in print). */
  readonly wideRatio: number;
}

export interface Label {
  readonly image: Gray;
  readonly unit: number;
  /** The code itself (without its quiet zone), in label pixels. */
  readonly code: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  /** Paper brightness, for glare and crease effects to scale against. */
  readonly paper: number;
  readonly ink: number;
}

/**
 * Layout in modules: the quiet zone the symbology asks for, then a margin of
 * ticket-like print (text lines, a rule) so the decoder also has to ignore
 * what surrounds a code on a real ticket, then the paper's edge.
 */
const LAYOUT: Record<Symbology, { quiet: number; margin: number; textHeight: number; barHeight?: number }> = {
  // Ticket QR: module ≈ 0.75 mm, 4-module quiet zone, 3 mm text ≈ 4 modules.
  qr: { quiet: 4, margin: 14, textHeight: 4 },
  // Ticket NW-7: narrow bar ≈ 0.3 mm, 10-unit quiet zone, bars 10 mm ≈ 33 units, text ≈ 9 units.
  nw7: { quiet: 10, margin: 26, textHeight: 9, barHeight: 33 },
  // Vial or box DataMatrix: module ≈ 0.4 mm, quiet zone 2 modules (labels are tight), text ≈ 6 modules.
  gs1dm: { quiet: 2, margin: 12, textHeight: 6 },
};

export function renderLabel(symbology: Symbology, symbol: CodeSymbol, style: LabelStyle, rng: Rng): Label {
  const layout = LAYOUT[symbology];
  const u = style.unit;
  const codeW = symbol.kind === 'matrix' ? symbol.cols : linearLength(symbol, style.wideRatio);
  const codeH = symbol.kind === 'matrix' ? symbol.rows : (layout.barHeight ?? 30);
  const border = layout.quiet + layout.margin;
  const width = Math.round((codeW + 2 * border) * u);
  const height = Math.round((codeH + 2 * border) * u);
  const image = createGray(width, height, style.paper);
  paperShading(image, style.paper, rng);
  const code = { x: border * u, y: border * u, w: codeW * u, h: codeH * u };
  printSurroundings(image, code, layout, style, rng);
  if (symbol.kind === 'matrix') printMatrix(image, symbol, code.x, code.y, u, style.ink);
  else printLinear(image, symbol, code.x, code.y, u, code.h, style);
  return { image, unit: u, code, paper: style.paper, ink: style.ink };
}

function linearLength(symbol: LinearSymbol, wideRatio: number): number {
  return symbol.widths.reduce((sum, w) => sum + (w > 1 ? wideRatio : 1), 0);
}

/** Paper is never flat white: a gentle gradient of a few grey levels. */
function paperShading(image: Gray, paper: number, rng: Rng): void {
  const gx = rng.range(-6, 6) / image.width;
  const gy = rng.range(-6, 6) / image.height;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) image.data[y * image.width + x] = paper + gx * (x - image.width / 2) + gy * (y - image.height / 2);
  }
}

function printMatrix(image: Gray, symbol: MatrixSymbol, left: number, top: number, u: number, ink: number): void {
  for (let y = 0; y < symbol.rows; y++) {
    for (let x = 0; x < symbol.cols; x++) {
      if (symbol.dark[y * symbol.cols + x]) fillRect(image, left + x * u, top + y * u, u, u, ink);
    }
  }
}

function printLinear(image: Gray, symbol: LinearSymbol, left: number, top: number, u: number, height: number, style: LabelStyle): void {
  let x = left;
  symbol.widths.forEach((w, i) => {
    const width = (w > 1 ? style.wideRatio : 1) * u;
    if (i % 2 === 0) fillRect(image, x, top, width, height, style.ink);
    x += width;
  });
}

/**
 * Text-like print around the code, never inside its quiet zone: lines of
 * "characters" (a few strokes in a cell), a rule framing the ticket area.
 */
function printSurroundings(image: Gray, code: Label['code'], layout: (typeof LAYOUT)[Symbology], style: LabelStyle, rng: Rng): void {
  const u = style.unit;
  const th = layout.textHeight * u;
  const quiet = layout.quiet * u;
  const inner = { x0: code.x - quiet, y0: code.y - quiet, x1: code.x + code.w + quiet, y1: code.y + code.h + quiet };
  const edge = 1.5 * u;
  // A rule around the ticket area, as the printed frame of a ticket or label.
  const rule = Math.max(1, 0.25 * u);
  fillRect(image, edge, edge, image.width - 2 * edge, rule, style.ink);
  fillRect(image, edge, image.height - edge - rule, image.width - 2 * edge, rule, style.ink);
  fillRect(image, edge, edge, rule, image.height - 2 * edge, style.ink);
  fillRect(image, image.width - edge - rule, edge, rule, image.height - 2 * edge, style.ink);
  // Lines of text above and below the code, and a block to its left and right.
  const pitch = th * 1.6;
  for (let y = edge + 2 * u; y + th < image.height - edge - 2 * u; y += pitch) {
    const overlapsCode = y + th > inner.y0 - u && y < inner.y1 + u;
    if (overlapsCode) {
      textRun(image, edge + 2 * u, y, inner.x0 - u - (edge + 2 * u), th, style.ink, rng);
      textRun(image, inner.x1 + u, y, image.width - edge - 2 * u - (inner.x1 + u), th, style.ink, rng);
    } else {
      textRun(image, edge + 2 * u, y, image.width - 2 * (edge + 2 * u), th, style.ink, rng);
    }
  }
}

/** One line of "characters", each a cell with 2–4 strokes, with gaps between words. */
function textRun(image: Gray, x: number, y: number, width: number, height: number, ink: number, rng: Rng): void {
  if (width < height) return;
  const stroke = Math.max(1, height * 0.12);
  let cx = x;
  while (cx + height <= x + width) {
    if (rng.next() < 0.15) {
      cx += height * 0.8; // a space
      continue;
    }
    const strokes = rng.int(2, 4);
    for (let s = 0; s < strokes; s++) {
      if (rng.next() < 0.5) fillRect(image, cx, y + rng.range(0, height - stroke), height * rng.range(0.4, 0.85), stroke, ink);
      else fillRect(image, cx + rng.range(0, height * 0.8 - stroke), y, stroke, height * rng.range(0.5, 1), ink);
    }
    cx += height * 1.05;
  }
}
