/**
 * How sharp a camera frame is and how much it moved since the last one, in
 * about a millisecond for a 720p frame (every fourth row and column of the
 * middle of the frame, where the ticket is held).
 *
 * Sharpness: at each edge met along rows and down columns, the steepest
 * one-pixel step as a share of the picture's contrast (2nd to 98th
 * percentile of its grey levels); the median over edges, the softer of the
 * two directions. Crisp print steps from paper to ink in a pixel or two
 * (0.45 and more); a hand moving 6 px in a frame (about 0.23), or defocus of
 * σ 1.6 px (about 0.17), spreads every step, whatever the light; sensor noise
 * barely moves it. Thin strokes
 * smeared by motion lose their depth too, so they count as soft. Motion is
 * the mean change of a coarse thumbnail between frames, in grey levels.
 */
import type { Luma } from './preprocess';

export interface QualityReading {
  /** 0 (nothing crisp) … 1; NaN when no strong edge was in view at all. */
  readonly sharpness: number;
  /** Mean absolute change of the coarse thumbnail since the previous frame, grey levels (0 for the first). */
  readonly motion: number;
  /** Strong edges measured: little means nothing is in view. */
  readonly edges: number;
  /**
   * Sensor noise, as the standard deviation in grey levels it would have on
   * flat paper (from the median second difference along rows: print is flat
   * almost everywhere, noise is not). Dim light at a desk makes it 15–25.
   */
  readonly noise: number;
}

/** Frames softer than this are too blurred to read: the page asks to hold steady. */
export const STEADY_SHARPNESS = 0.3;

/** Rise an edge needs to count (grey levels over ±4 px). */
const MIN_RISE = 48;
const THUMB = 32;

export class FrameQuality {
  private previous: Float32Array | null = null;

  measure(frame: Luma): QualityReading {
    const { width, height, data } = frame;
    const x0 = Math.floor(width * 0.15);
    const x1 = Math.ceil(width * 0.85);
    const y0 = Math.floor(height * 0.1);
    const y1 = Math.ceil(height * 0.9);
    const levels = new Uint32Array(256);
    let total = 0;
    let edges = 0;
    for (let y = y0; y < y1; y += 4) {
      const row = y * width;
      for (let x = x0; x < x1; x += 2) {
        levels[data[row + x]!]!++;
        total++;
      }
      // Something in view: rises of MIN_RISE over 9 px (an empty desk's light changes far more slowly).
      for (let x = x0 + 4; x < x1 - 5; x += 6) if (Math.abs(data[row + x + 5]! - data[row + x - 4]!) >= MIN_RISE) edges++;
    }
    const contrast = percentile(levels, total, 0.98) - percentile(levels, total, 0.02);
    const thumb = thumbnail(frame);
    let motion = 0;
    if (this.previous) {
      for (let i = 0; i < thumb.length; i++) motion += Math.abs(thumb[i]! - this.previous[i]!);
      motion /= thumb.length;
    }
    this.previous = thumb;
    const noise = noiseLevel(frame, x0, x1, y0, y1);
    if (contrast < MIN_RISE) return { sharpness: Number.NaN, motion, edges, noise };
    // Along rows and down columns; the softer direction decides (a code needs both), unless one has too few edges to say.
    const along = steepness(data, width, { from: y0, to: y1, step: 4 }, { from: x0, to: x1 }, 1, contrast);
    const down = steepness(data, 1, { from: x0, to: x1, step: 4 }, { from: y0, to: y1 }, width, contrast);
    const said = [along, down].filter((d) => d.edges >= 20).map((d) => d.value);
    const sharpness = said.length > 0 ? Math.min(...said) : Math.max(along.value, down.value);
    return { sharpness, motion, edges, noise };
  }
}

/**
 * The median steepness of the edges met along lines of the image: at each
 * edge (a rise of a quarter of the contrast over 9 px), its steepest
 * one-pixel step as a share of the whole contrast. `lines` and `along` are
 * index ranges; `lineStride` and `pixelStride` turn them into offsets.
 */
function steepness(
  data: Uint8ClampedArray,
  lineStride: number,
  lines: { from: number; to: number; step: number },
  along: { from: number; to: number },
  pixelStride: number,
  contrast: number,
): { value: number; edges: number } {
  const shares = new Uint32Array(101);
  let edges = 0;
  const minRise = contrast / 4;
  for (let l = lines.from; l < lines.to; l += lines.step) {
    const base = l * lineStride;
    for (let i = along.from + 4; i < along.to - 5; i++) {
      const at = base + i * pixelStride;
      if (Math.abs(data[at + 5 * pixelStride]! - data[at - 4 * pixelStride]!) < minRise) continue;
      let best = 0;
      for (let k = -4; k < 5; k++) best = Math.max(best, Math.abs(data[at + (k + 1) * pixelStride]! - data[at + k * pixelStride]!));
      shares[Math.min(100, Math.round((100 * best) / contrast))]!++;
      edges++;
      // One count per edge.
      i += 8;
    }
  }
  return { value: edges === 0 ? 0 : percentile(shares, edges, 0.5) / 100, edges };
}

/**
 * Sensor noise as a standard deviation (grey levels): for Gaussian noise of
 * σ, |x₋₁ − 2x₀ + x₊₁| has median 0.674·√6·σ, and on a page of print almost
 * every pixel is flat, so the median second difference is the noise's.
 * Every eighth row, every fourth pixel: some 20,000 samples of a 720p frame.
 */
function noiseLevel(frame: Luma, x0: number, x1: number, y0: number, y1: number): number {
  const { width, data } = frame;
  const curvature = new Uint32Array(1021);
  let total = 0;
  for (let y = y0; y < y1; y += 8) {
    const row = y * width;
    for (let x = x0 + 1; x < x1 - 1; x += 4) {
      curvature[Math.abs(data[row + x - 1]! - 2 * data[row + x]! + data[row + x + 1]!)]!++;
      total++;
    }
  }
  return total === 0 ? 0 : percentile(curvature, total, 0.5) / (0.674 * Math.sqrt(6));
}

/** The value below which `share` of a histogram's counts lie. */
function percentile(histogram: Uint32Array, total: number, share: number): number {
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v]!;
    if (seen >= share * total) return v;
  }
  return histogram.length - 1;
}

/** A THUMB × THUMB grid of block means (every fourth pixel of each block). */
function thumbnail(frame: Luma): Float32Array {
  const { width, height, data } = frame;
  const out = new Float32Array(THUMB * THUMB);
  const bw = width / THUMB;
  const bh = height / THUMB;
  for (let ty = 0; ty < THUMB; ty++) {
    for (let tx = 0; tx < THUMB; tx++) {
      let sum = 0;
      let n = 0;
      for (let y = Math.floor(ty * bh); y < Math.floor((ty + 1) * bh); y += 4) {
        for (let x = Math.floor(tx * bw); x < Math.floor((tx + 1) * bw); x += 4) {
          sum += data[y * width + x]!;
          n++;
        }
      }
      out[ty * THUMB + tx] = n === 0 ? 0 : sum / n;
    }
  }
  return out;
}
