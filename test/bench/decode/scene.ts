/**
 * Whole tickets and pack labels under a camera, for the video corpus and the
 * pipeline's tests: the paper printed at `PAPER_PX_PER_MM` (the QR, the
 * NW-7, the 18-digit line in OCR-B from Debian's fonts-ocr-b, print around
 * them), then placed in the frame (position, turn, tilt, curl), then the
 * camera's faults: motion blur along the hand's movement, defocus, glare,
 * sensor noise. Deterministic from the seed.
 */
import bwipjs from 'bwip-js/node';
import { printOcrb, type OcrbVariant } from '../../fixtures/ocrb';
import {
  addGlare,
  addNoise,
  apply,
  compose,
  createGray,
  fillRect,
  gaussianBlur,
  invert,
  planeTilt,
  rotation,
  sampleBilinear,
  scaling,
  toLuma,
  translation,
  type Frame,
  type Gray,
  type Mat3,
} from './image';
import type { Rng } from '../../support/random';

/** Paper is drawn this finely, then filtered down to the camera's pixels. */
export const PAPER_PX_PER_MM = 10;

export interface Paper {
  readonly image: Gray;
  /** Paper and ink grey levels (glare and shading scale against them). */
  readonly paper: number;
  readonly ink: number;
}

export interface TicketContent {
  /** The 18 digits: printed as the OCR line and carried by the QR; the NW-7 carries the last ten. */
  readonly line: string;
  readonly qr: 'good' | 'damaged' | 'none';
  readonly nw7: boolean;
  readonly ocr: boolean;
  readonly font?: OcrbVariant;
}

interface Raw {
  readonly pixs?: number[];
  readonly pixx?: number;
  readonly pixy?: number;
  readonly sbs?: number[];
}

function raw(bcid: string, text: string, extra: Record<string, unknown> = {}): Raw {
  const [symbol] = bwipjs.raw({ bcid, text, ...extra }) as unknown as Raw[];
  if (!symbol) throw new Error(`bwip-js rendered nothing for ${bcid}`);
  return symbol;
}

const mm = (v: number) => v * PAPER_PX_PER_MM;

function drawMatrix(image: Gray, symbol: Raw, left: number, top: number, module: number, ink: number): void {
  const cols = symbol.pixx ?? 0;
  for (let y = 0; y < (symbol.pixy ?? 0); y++) {
    for (let x = 0; x < cols; x++) if (symbol.pixs?.[y * cols + x]) fillRect(image, left + x * module, top + y * module, module, module, ink);
  }
}

/** Bars and spaces; `wide` set: a two-width code (NW-7) whose wide elements are that many narrow ones; null: widths in modules as given (Code 128, DataBar). */
function drawLinear(image: Gray, symbol: Raw, left: number, top: number, narrow: number, wide: number | null, height: number, ink: number): number {
  let x = left;
  (symbol.sbs ?? []).forEach((w, i) => {
    const width = (wide === null ? w : w > 1 ? wide : 1) * narrow;
    if (i % 2 === 0) fillRect(image, x, top, width, height, ink);
    x += width;
  });
  return x - left;
}

/** Lines of "characters" (a few strokes in a cell): the printed words around the codes. */
function textBlock(image: Gray, x: number, y: number, width: number, lines: number, height: number, ink: number, rng: Rng): void {
  const stroke = Math.max(1, height * 0.12);
  for (let l = 0; l < lines; l++) {
    const top = y + l * height * 1.7;
    let cx = x;
    const end = x + width * rng.range(0.5, 1);
    while (cx + height <= end) {
      for (let s = rng.int(2, 4); s > 0; s--) {
        if (rng.next() < 0.5) fillRect(image, cx, top + rng.range(0, height - stroke), height * rng.range(0.4, 0.85), stroke, ink);
        else fillRect(image, cx + rng.range(0, height * 0.8 - stroke), top, stroke, height * rng.range(0.5, 1), ink);
      }
      cx += height * 1.05;
    }
  }
}

/**
 * A ticket, 100 × 60 mm: a heading and the person's details in print, the
 * OCR line (cap height 2.9 mm, 2.54 mm pitch, in three groups), the QR at
 * the top right (0.75 mm modules), the NW-7 along the bottom (0.3 mm narrow
 * bars). A damaged QR has a torn, smudged corner over a third of it: found
 * by a reader, never decoded.
 */
export function ticketPaper(content: TicketContent, rng: Rng): Paper {
  const paper = rng.range(215, 240);
  const ink = rng.range(25, 50);
  const image = createGray(mm(100), mm(60), paper);
  textBlock(image, mm(5), mm(4), mm(45), 1, mm(3.2), ink, rng);
  textBlock(image, mm(5), mm(23), mm(55), 3, mm(2.6), ink, rng);
  if (content.ocr) {
    const text = `${content.line.slice(0, 2)} ${content.line.slice(2, 8)} ${content.line.slice(8)}`;
    printOcrb(image, text, mm(5), mm(17), mm(2.9), ink, content.font ?? 'OCRB');
  }
  if (content.qr !== 'none') {
    const symbol = raw('qrcode', content.line);
    const module = mm(0.75);
    const left = mm(94) - (symbol.pixx ?? 21) * module;
    drawMatrix(image, symbol, left, mm(5), module, ink);
    if (content.qr === 'damaged') {
      const size = (symbol.pixx ?? 21) * module;
      // A torn-off, smudged patch: white paper fibres and grey smears over a third of the symbol, finder patterns left.
      for (let i = 0; i < 40; i++) {
        const x = left + size * rng.range(0.3, 0.7);
        const y = mm(5) + size * rng.range(0.3, 0.75);
        fillRect(image, x, y, module * rng.range(1, 3), module * rng.range(1, 3), rng.next() < 0.6 ? paper : ink);
      }
    }
  }
  if (content.nw7) {
    const symbol = raw('rationalizedCodabar', `A${content.line.slice(8)}A`);
    drawLinear(image, symbol, mm(8), mm(44), mm(0.3), rng.range(2.5, 3), mm(10), ink);
  }
  return { image, paper, ink };
}

/** A vial's label, 40 × 22 mm: GS1 DataBar Limited with its composite component (lot and expiry) and print. */
export function vialLabel(elementString: string, rng: Rng): Paper {
  const paper = rng.range(220, 240);
  const ink = rng.range(20, 45);
  const image = createGray(mm(40), mm(22), paper);
  textBlock(image, mm(2), mm(2), mm(36), 2, mm(2.2), ink, rng);
  // bwip-js's raw composite carries the 2D component and its separator; the linear DataBar Limited is drawn under it.
  const [linear, composite] = elementString.split('|');
  const module = mm(0.33);
  const cc = raw('databarlimitedcomposite', elementString);
  const rows = (cc.pixs ?? []).reduce((last, v, i) => (v ? Math.floor(i / (cc.pixx ?? 1)) : last), 0) + 1;
  drawMatrix(image, { ...cc, pixy: rows }, mm(3), mm(8), module, ink);
  if (composite === undefined) throw new Error('a composite element string has a | between its linear and 2D parts');
  drawLinear(image, raw('databarlimited', linear ?? ''), mm(3) + module, mm(8) + rows * module, module, null, 10 * module, ink);
  return { image, paper, ink };
}

/** A case label: GS1-128 with GTIN, expiry and lot (0.5 mm modules, the GS1 minimum for logistics being 0.495 mm; 10 mm quiet zones), and print. */
export function caseLabel(elementString: string, rng: Rng): Paper {
  const paper = rng.range(215, 240);
  const ink = rng.range(20, 45);
  const symbol = raw('gs1-128', elementString);
  const length = (symbol.sbs ?? []).reduce((sum, w) => sum + w, 0) * 0.5;
  const image = createGray(mm(length + 20), mm(45), paper);
  textBlock(image, mm(5), mm(4), mm(length), 2, mm(3), ink, rng);
  drawLinear(image, symbol, mm(10), mm(16), mm(0.5), null, mm(18), ink);
  return { image, paper, ink };
}

/** Where a paper lies in the frame. */
export interface Pose {
  /** Frame pixels of the paper's centre. */
  readonly cx: number;
  readonly cy: number;
  /** Camera pixels per paper millimetre. */
  readonly pxPerMm: number;
  readonly degrees: number;
  readonly tiltDegrees?: number;
  readonly tiltAxis?: number;
  /** Curl of the paper along its length: 0 flat, 1 strongly bent (radius about the paper's width). */
  readonly curl?: number;
}

export interface Faults {
  /** Motion blur: length in frame pixels and direction. */
  readonly motionPx?: number;
  readonly motionDegrees?: number;
  /** Defocus, gaussian σ in frame pixels. */
  readonly defocus?: number;
  /** A reflection: where (frame pixels), how wide (σ). */
  readonly glare?: { readonly x: number; readonly y: number; readonly sigma: number };
  readonly noise?: number;
}

export const FOCAL_1280 = 1280 / 2 / Math.tan((65 / 2) * (Math.PI / 180));

/** A desk under room light: a smooth, uneven grey. */
function desk(width: number, height: number, rng: Rng): Gray {
  const gx = 5;
  const gy = 4;
  const grid: Gray = { width: gx, height: gy, data: Float32Array.from({ length: gx * gy }, () => rng.range(70, 170)) };
  const image = createGray(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.data[y * width + x] = sampleBilinear(grid, ((x + 0.5) / width) * gx, ((y + 0.5) / height) * gy);
  }
  return image;
}

/** The camera's filter (pixel area and lens): done once per paper and scale, since it is the slow part. */
export function filtered(paper: Paper, pxPerMm: number): Paper {
  return { ...paper, image: gaussianBlur(paper.image, (0.6 * PAPER_PX_PER_MM) / pxPerMm) };
}

/**
 * Draws a (filtered) paper into the frame at its pose: a homography for
 * position, turn and tilt, and a cylinder for the curl (the paper's width is
 * foreshortened towards its ends and its ends rise, seen a little from the side).
 */
function place(frame: Gray, paper: Paper, pose: Pose): void {
  const { image } = paper;
  const focal = FOCAL_1280 * (frame.width / 1280);
  const tilt = planeTilt(focal, (pose.tiltAxis ?? 0) * (Math.PI / 180), (pose.tiltDegrees ?? 0) * (Math.PI / 180));
  const scale = pose.pxPerMm / PAPER_PX_PER_MM;
  const toFrame: Mat3 = compose(translation(pose.cx, pose.cy), tilt, rotation(pose.degrees * (Math.PI / 180)), scaling(scale), translation(-image.width / 2, -image.height / 2));
  const back = invert(toFrame);
  const half = image.width / 2;
  const radius = pose.curl ? image.width / (1.2 * pose.curl) : 0;
  const corners = [
    [0, 0],
    [image.width, 0],
    [0, image.height],
    [image.width, image.height],
  ].map(([x, y]) => apply(toFrame, x!, y!));
  const pad = 4;
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))) - pad);
  const x1 = Math.min(frame.width, Math.ceil(Math.max(...corners.map((p) => p[0]))) + pad);
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))) - pad);
  const y1 = Math.min(frame.height, Math.ceil(Math.max(...corners.map((p) => p[1]))) + pad);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      let [u, v] = apply(back, x + 0.5, y + 0.5);
      if (radius > 0) {
        const s = (u - half) / radius;
        if (Math.abs(s) >= 1) continue;
        const theta = Math.asin(s);
        u = half + radius * theta;
        // The bent ends rise towards the camera and are seen a little from the side: they slide down the frame.
        v -= radius * (1 - Math.cos(theta)) * 0.35;
      }
      const value = sampleBilinear(image, u, v);
      if (!Number.isNaN(value)) frame.data[y * frame.width + x] = value;
    }
  }
}

/** Motion blur: the mean of the image shifted along the movement, one-pixel steps. */
export function motionBlur(image: Gray, lengthPx: number, degrees: number): Gray {
  const steps = Math.max(1, Math.round(lengthPx));
  if (steps === 1) return image;
  const { width, height, data } = image;
  const out = createGray(width, height);
  const dx = Math.cos((degrees * Math.PI) / 180);
  const dy = Math.sin((degrees * Math.PI) / 180);
  for (let k = 0; k < steps; k++) {
    const t = k - (steps - 1) / 2;
    const ox = Math.round(t * dx);
    const oy = Math.round(t * dy);
    for (let y = 0; y < height; y++) {
      const sy = Math.min(height - 1, Math.max(0, y + oy));
      for (let x = 0; x < width; x++) {
        const sx = Math.min(width - 1, Math.max(0, x + ox));
        out.data[y * width + x]! += data[sy * width + sx]!;
      }
    }
  }
  for (let i = 0; i < out.data.length; i++) out.data[i]! /= steps;
  return out;
}

/** The picture before the sensor's noise: the desk, the papers at their poses, the optical faults. */
export function shootClean(size: { width: number; height: number }, papers: readonly { paper: Paper; pose: Pose }[], faults: Faults, rng: Rng): Gray {
  let frame = desk(size.width, size.height, rng);
  for (const { paper, pose } of papers) place(frame, paper, pose);
  if (faults.glare) addGlare(frame, faults.glare.x, faults.glare.y, faults.glare.sigma, rng.range(200, 280));
  if (faults.motionPx && faults.motionPx > 1) frame = motionBlur(frame, faults.motionPx, faults.motionDegrees ?? 0);
  if (faults.defocus && faults.defocus > 0.3) frame = gaussianBlur(frame, faults.defocus);
  return frame;
}

/** One camera frame: the desk, the papers at their poses, the faults, the sensor's noise. */
export function shoot(size: { width: number; height: number }, papers: readonly { paper: Paper; pose: Pose }[], faults: Faults, rng: Rng): Frame {
  const frame = shootClean(size, papers, faults, rng);
  addNoise(frame, faults.noise ?? 2.5, rng);
  return toLuma(frame);
}
