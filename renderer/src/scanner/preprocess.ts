/**
 * Preprocessing a pipeline may do before handing pixels to a library:
 * cropping to the aiming region, luminance, and straightening a turned
 * linear code (edge direction, shear). All on 8-bit buffers and cheap enough
 * to sit inside a 15 ms frame budget.
 */
import type { Frame } from './decoder';

/** A region of the frame as fractions of its size, centred (the on-screen aiming frame). */
export interface CentreRegion {
  readonly width: number;
  readonly height: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Luma {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export function centreRect(frame: { width: number; height: number }, region: CentreRegion | null): Rect {
  if (!region) return { x: 0, y: 0, width: frame.width, height: frame.height };
  const width = Math.min(frame.width, Math.round(frame.width * region.width));
  const height = Math.min(frame.height, Math.round(frame.height * region.height));
  return { x: (frame.width - width) >> 1, y: (frame.height - height) >> 1, width, height };
}

/** Luminance of a rectangle of an RGBA frame (ITU-R BT.601, integer weights), cropping and converting in one pass. */
export function luminance(frame: Frame, rect: Rect = centreRect(frame, null)): Luma {
  const out = new Uint8ClampedArray(rect.width * rect.height);
  const src = frame.data;
  for (let y = 0; y < rect.height; y++) {
    let p = ((rect.y + y) * frame.width + rect.x) * 4;
    const row = y * rect.width;
    for (let x = 0; x < rect.width; x++, p += 4) out[row + x] = (src[p]! * 77 + src[p + 1]! * 150 + src[p + 2]! * 29) >> 8;
  }
  return { width: rect.width, height: rect.height, data: out };
}

/** A rectangle of an RGBA frame as its own frame (row copies). */
export function cropRgba(frame: Frame, rect: Rect): Frame {
  if (rect.x === 0 && rect.y === 0 && rect.width === frame.width && rect.height === frame.height) return frame;
  const out = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const start = ((rect.y + y) * frame.width + rect.x) * 4;
    out.set(frame.data.subarray(start, start + rect.width * 4), y * rect.width * 4);
  }
  return { width: rect.width, height: rect.height, data: out };
}

/** Grey back to RGBA, for a library that only takes ImageData (zxing-wasm's luminance of R=G=B=v is v exactly). */
export function lumaToRgba(luma: Luma): Frame {
  const out = new Uint8ClampedArray(luma.width * luma.height * 4);
  const view = new Uint32Array(out.buffer);
  for (let i = 0; i < luma.data.length; i++) {
    const v = luma.data[i]!;
    // Little-endian RGBA: alpha in the top byte.
    view[i] = 0xff000000 | (v << 16) | (v << 8) | v;
  }
  return { width: luma.width, height: luma.height, data: out };
}

/**
 * The dominant edge orientation in degrees, (-90, 90], or null when no
 * direction stands out. Sobel gradients on every other pixel, strong edges
 * only, in a histogram of directions (5° bins, modulo 180°) weighted by
 * magnitude; the peak (three bins) is refined to the weighted mean direction
 * of its gradients. A linear barcode's many parallel bar edges make a sharp
 * peak: the angle of its axis.
 */
export function dominantOrientation(luma: Luma, minMagnitude = 40, minShare = 0.25): number | null {
  const bins = new Float64Array(36);
  // Per bin, the sum of the doubled-angle unit vectors (weighted), so the peak can be refined without re-scanning.
  const sumCos = new Float64Array(36);
  const sumSin = new Float64Array(36);
  const { width, height, data } = luma;
  let total = 0;
  for (let y = 1; y < height - 1; y += 2) {
    for (let x = 1; x < width - 1; x += 2) {
      const i = y * width + x;
      const gx = data[i - width + 1]! + 2 * data[i + 1]! + data[i + width + 1]! - data[i - width - 1]! - 2 * data[i - 1]! - data[i + width - 1]!;
      const gy = data[i + width - 1]! + 2 * data[i + width]! + data[i + width + 1]! - data[i - width - 1]! - 2 * data[i - width]! - data[i - width + 1]!;
      const magnitude = Math.abs(gx) + Math.abs(gy);
      if (magnitude < minMagnitude) continue;
      // Direction modulo 180°: an edge and its opposite edge count alike.
      let angle = Math.atan2(gy, gx);
      if (angle < 0) angle += Math.PI;
      const bin = Math.min(35, Math.floor((angle / Math.PI) * 36));
      bins[bin]! += magnitude;
      sumCos[bin]! += magnitude * Math.cos(2 * angle);
      sumSin[bin]! += magnitude * Math.sin(2 * angle);
      total += magnitude;
    }
  }
  if (total === 0) return null;
  let best = 0;
  let bestWeight = 0;
  for (let b = 0; b < 36; b++) {
    // Three neighbouring bins (15°), wrapping at 180°.
    const weight = bins[(b + 35) % 36]! + bins[b]! + bins[(b + 1) % 36]!;
    if (weight > bestWeight) {
      best = b;
      bestWeight = weight;
    }
  }
  if (bestWeight < minShare * total) return null;
  const window = [(best + 35) % 36, best, (best + 1) % 36];
  const c = window.reduce((sum, b) => sum + sumCos[b]!, 0);
  const sn = window.reduce((sum, b) => sum + sumSin[b]!, 0);
  const degrees = ((Math.atan2(sn, c) / 2) * 180) / Math.PI;
  return degrees <= -90 ? degrees + 180 : degrees > 90 ? degrees - 180 : degrees;
}

/**
 * Shears the image vertically so a line at `degrees` through the middle
 * becomes horizontal: row y of the result follows y + (x − centre)·tan(angle)
 * in the source. For a linear code turned by that angle, every row of the
 * result runs along the code's axis and crosses all its bars — which a
 * row-scanning 1D reader needs and cannot get from a turned code whose bars
 * are short. Whole-pixel offsets per column: no interpolation, about one
 * copy of the image in cost.
 */
export function shear(luma: Luma, degrees: number, fill = 255): Luma {
  const { width, height, data } = luma;
  const out = new Uint8ClampedArray(width * height);
  const slope = Math.tan((degrees * Math.PI) / 180);
  const offsets = Int32Array.from({ length: width }, (_, x) => Math.round((x - width / 2) * slope));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const sy = y + offsets[x]!;
      out[row + x] = sy >= 0 && sy < height ? data[sy * width + x]! : fill;
    }
  }
  return { width, height, data: out };
}
