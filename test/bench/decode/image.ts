/**
 * Small image operations for the decode corpus: grayscale float images,
 * 3×3 homographies, warping by inverse mapping with bilinear sampling,
 * separable gaussian blur, noise and a glare blob. Written here rather than
 * taken from a package so the corpus depends on nothing but this file and a
 * seed, and every step is visible.
 *
 * Coordinates: pixel (i, j) covers [i, i+1) × [j, j+1); its centre is
 * (i + 0.5, j + 0.5). Homographies map continuous coordinates.
 */
import type { Rng } from '../../support/random';

/** A grayscale image, 0 (black) … 255 (white), as floats so operations can be chained without rounding. */
export interface Gray {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** 8-bit grey pixels: what the app's decode worker copies out of a camera frame (its luminance plane). */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export function createGray(width: number, height: number, fill = 0): Gray {
  return { width, height, data: new Float32Array(width * height).fill(fill) };
}

/** Fills the axis-aligned rectangle [x, x+w) × [y, y+h), clipped to the image. */
export function fillRect(image: Gray, x: number, y: number, w: number, h: number, value: number): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(image.width, Math.round(x + w));
  const y1 = Math.min(image.height, Math.round(y + h));
  for (let row = y0; row < y1; row++) image.data.fill(value, row * image.width + x0, row * image.width + x1);
}

/**
 * Bilinear sample at a continuous point; NaN outside the image, so the caller
 * decides what lies beyond it (the desk behind a ticket). Within the outer
 * half pixel the edge pixels are extended.
 */
export function sampleBilinear(image: Gray, x: number, y: number): number {
  const { width, height, data } = image;
  if (!(x >= 0 && y >= 0 && x <= width && y <= height)) return Number.NaN;
  const u = Math.min(Math.max(x - 0.5, 0), width - 1);
  const v = Math.min(Math.max(y - 0.5, 0), height - 1);
  const i = Math.min(Math.floor(u), width - 2 < 0 ? 0 : width - 2);
  const j = Math.min(Math.floor(v), height - 2 < 0 ? 0 : height - 2);
  const fx = u - i;
  const fy = v - j;
  const i1 = Math.min(i + 1, width - 1);
  const j1 = Math.min(j + 1, height - 1);
  const a = data[j * width + i] ?? 0;
  const b = data[j * width + i1] ?? 0;
  const c = data[j1 * width + i] ?? 0;
  const d = data[j1 * width + i1] ?? 0;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

// ---------------------------------------------------------------- homographies

/** A 3×3 matrix, row-major, acting on column vectors (x, y, 1). */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function translation(tx: number, ty: number): Mat3 {
  return [1, 0, tx, 0, 1, ty, 0, 0, 1];
}

export function scaling(sx: number, sy = sx): Mat3 {
  return [sx, 0, 0, 0, sy, 0, 0, 0, 1];
}

/** Rotation by `radians` about the origin (clockwise on screen, since y points down). */
export function rotation(radians: number): Mat3 {
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

/**
 * A plane tilted away from the camera, seen through a pinhole of focal length
 * `focal` (pixels). The plane's origin stays on the optical axis at distance
 * `focal`, so a unit on the plane near the origin stays one pixel: only the
 * foreshortening (keystone) of a real tilt is added. `axis` is the direction
 * of the tilt axis in the plane (0: tilt about the horizontal axis, top edge
 * away), `tilt` how far the plane turns about it.
 */
export function planeTilt(focal: number, axis: number, tilt: number): Mat3 {
  // R = Rz(axis) · Rx(tilt) · Rz(-axis): a rotation by `tilt` about the in-plane direction `axis`.
  const ca = Math.cos(axis);
  const sa = Math.sin(axis);
  const ct = Math.cos(tilt);
  const st = Math.sin(tilt);
  const ux = ca;
  const uy = sa;
  // Rodrigues for a unit axis u = (ux, uy, 0).
  const r11 = ct + ux * ux * (1 - ct);
  const r12 = ux * uy * (1 - ct);
  const r21 = uy * ux * (1 - ct);
  const r22 = ct + uy * uy * (1 - ct);
  const r31 = -uy * st;
  const r32 = ux * st;
  // Plane point (x, y, 0) → camera point R·p + (0, 0, focal) → image (focal·X/Z, focal·Y/Z).
  return [focal * r11, focal * r12, 0, focal * r21, focal * r22, 0, r31, r32, focal];
}

export function multiply(a: Mat3, b: Mat3): Mat3 {
  const m = (r: number, c: number) => a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  return [m(0, 0), m(0, 1), m(0, 2), m(1, 0), m(1, 1), m(1, 2), m(2, 0), m(2, 1), m(2, 2)];
}

/** a · b · c · … (the rightmost is applied first). */
export function compose(...matrices: readonly Mat3[]): Mat3 {
  return matrices.reduce((acc, m) => multiply(acc, m), IDENTITY);
}

export function invert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new Error('singular homography');
  const k = 1 / det;
  return [
    A * k, -(b * i - c * h) * k, (b * f - c * e) * k,
    B * k, (a * i - c * g) * k, -(a * f - c * d) * k,
    C * k, -(a * h - b * g) * k, (a * e - b * d) * k,
  ];
}

export function apply(m: Mat3, x: number, y: number): [number, number] {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

/**
 * The homography taking four source points to four destination points
 * (direct linear transform with h33 = 1, solved by Gaussian elimination).
 */
export function homographyFromPoints(src: readonly (readonly [number, number])[], dst: readonly (readonly [number, number])[]): Mat3 {
  if (src.length !== 4 || dst.length !== 4) throw new Error('four point pairs');
  const rows: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = src[k]!;
    const [u, v] = dst[k]!;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  const h = solve(rows);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

/** Gaussian elimination with partial pivoting on an n × (n+1) augmented matrix. */
function solve(rows: number[][]): number[] {
  const n = rows.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(rows[r]![col]!) > Math.abs(rows[pivot]![col]!)) pivot = r;
    [rows[col], rows[pivot]] = [rows[pivot]!, rows[col]!];
    const p = rows[col]!;
    if (Math.abs(p[col]!) < 1e-12) throw new Error('degenerate points');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = rows[r]!;
      const factor = row[col]! / p[col]!;
      for (let c = col; c <= n; c++) row[c]! -= factor * p[c]!;
    }
  }
  return rows.map((row, i) => row[n]! / row[i]!);
}

// ---------------------------------------------------------------- warping

/**
 * Draws `src` into `dst` through `srcToDst` by inverse mapping: each
 * destination pixel centre is mapped back into the source and sampled
 * bilinearly; pixels that map outside the source keep what `dst` had. Only
 * the bounding box of the mapped source is visited.
 */
export function warpOnto(dst: Gray, src: Gray, srcToDst: Mat3): void {
  const back = invert(srcToDst);
  const corners = [apply(srcToDst, 0, 0), apply(srcToDst, src.width, 0), apply(srcToDst, 0, src.height), apply(srcToDst, src.width, src.height)];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
  const x1 = Math.min(dst.width, Math.ceil(Math.max(...corners.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
  const y1 = Math.min(dst.height, Math.ceil(Math.max(...corners.map((p) => p[1]))));
  const [a, b, c, d, e, f, g, h, i] = back;
  for (let y = y0; y < y1; y++) {
    const cy = y + 0.5;
    for (let x = x0; x < x1; x++) {
      const cx = x + 0.5;
      const w = g * cx + h * cy + i;
      const v = sampleBilinear(src, (a * cx + b * cy + c) / w, (d * cx + e * cy + f) / w);
      if (!Number.isNaN(v)) dst.data[y * dst.width + x] = v;
    }
  }
}

// ---------------------------------------------------------------- filters

export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const v = Math.exp(-(k * k) / (2 * sigma * sigma));
    kernel[k + radius] = v;
    sum += v;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= sum;
  return kernel;
}

/** Separable gaussian blur, edges extended (a camera sees more scene beyond the frame, not black). */
export function gaussianBlur(image: Gray, sigma: number): Gray {
  if (sigma <= 0) return image;
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) >> 1;
  const { width, height } = image;
  const tmp = new Float32Array(width * height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
        acc += kernel[k + radius]! * image.data[row + xx]!;
      }
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) {
        const yy = y + k < 0 ? 0 : y + k >= height ? height - 1 : y + k;
        acc += kernel[k + radius]! * tmp[yy * width + x]!;
      }
      out[y * width + x] = acc;
    }
  }
  return { width, height, data: out };
}

/** Additive gaussian sensor noise of `sigma` grey levels. */
export function addNoise(image: Gray, sigma: number, rng: Rng): void {
  if (sigma <= 0) return;
  for (let i = 0; i < image.data.length; i++) image.data[i]! += sigma * rng.gaussian();
}

/** A specular highlight: a bright gaussian blob added at (cx, cy), `radius` its σ, `peak` grey levels at its centre. */
export function addGlare(image: Gray, cx: number, cy: number, radius: number, peak: number): void {
  const reach = Math.ceil(3 * radius);
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(image.width, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(image.height, Math.ceil(cy + reach));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      image.data[y * image.width + x]! += peak * Math.exp(-(dx * dx + dy * dy) / (2 * radius * radius));
    }
  }
}

/** Quantises to 8 bits, grey in R, G and B, opaque: what getImageData gives the decode worker. */
export function toLuma(image: Gray): Frame {
  const out = new Uint8ClampedArray(image.width * image.height);
  for (let i = 0; i < image.data.length; i++) out[i] = Math.round(image.data[i]!);
  return { width: image.width, height: image.height, data: out };
}

/** FNV-1a over the pixels: the determinism test compares these. */
export function hashFrame(frame: Frame): string {
  let h = 2_166_136_261;
  for (let i = 0; i < frame.data.length; i++) h = Math.imul(h ^ frame.data[i]!, 16_777_619);
  return `${frame.width}x${frame.height}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}
