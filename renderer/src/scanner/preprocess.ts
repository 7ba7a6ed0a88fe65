/**
 * Preprocessing a pipeline may do before handing pixels to a library:
 * cropping to the aiming region, luminance, and straightening turned linear
 * codes anywhere in the frame (edge direction per tile, shear). All on 8-bit
 * buffers and cheap enough to sit inside a 15 ms frame budget.
 */
/** RGBA pixels, as ImageData has them (the page's read-back fallback). */
export interface Frame {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

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

/** A rectangle of a grey image as its own image (row copies; the image itself when the rectangle is all of it). */
export function cropLuma(luma: Luma, rect: Rect): Luma {
  if (rect.x === 0 && rect.y === 0 && rect.width === luma.width && rect.height === luma.height) return luma;
  const out = new Uint8ClampedArray(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const start = (rect.y + y) * luma.width + rect.x;
    out.set(luma.data.subarray(start, start + rect.width), y * rect.width);
  }
  return { width: rect.width, height: rect.height, data: out };
}

/**
 * The image at half its width and height, each pixel the mean of a 2 × 2
 * block: a quarter of the pixels, and sensor noise halved (four independent
 * samples), while print at 2.4 px per module or more keeps its bars.
 */
export function halveLuma(luma: Luma): Luma {
  const width = luma.width >> 1;
  const height = luma.height >> 1;
  const out = new Uint8ClampedArray(width * height);
  const src = luma.data;
  for (let y = 0; y < height; y++) {
    let a = 2 * y * luma.width;
    let b = a + luma.width;
    const row = y * width;
    for (let x = 0; x < width; x++, a += 2, b += 2) out[row + x] = (src[a]! + src[a + 1]! + src[b]! + src[b + 1]! + 2) >> 2;
  }
  return { width, height, data: out };
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

/** A group of tiles turned alike: where a turned linear code probably is, and by how much. */
export interface TurnedRegion {
  readonly rect: Rect;
  readonly degrees: number;
  /** Edge weight of the group (bigger first). */
  readonly weight: number;
}

export interface TurnedOptions {
  readonly minDegrees: number;
  readonly maxDegrees: number;
  /** Share of a tile's edge weight its dominant direction (three 5° bins) must hold. */
  readonly minShare: number;
}

const TILE = 64;
const BINS = 36;

/**
 * The direction of a gradient modulo 180°, in [0, π): atan2 by a polynomial
 * (error under 0.01°, far inside a 5° bin) at a fraction of Math.atan2's cost.
 */
export function halfTurn(y: number, x: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = Math.max(ax, ay);
  if (big === 0) return 0;
  const a = Math.min(ax, ay) / big;
  const s = a * a;
  let r = ((((-0.0134804 * s + 0.05747) * s - 0.1212391) * s + 0.1956359) * s - 0.3329946) * s * a + 0.9999956 * a;
  if (ay > ax) r = Math.PI / 2 - r;
  if (x < 0) r = Math.PI - r;
  // y < 0 would be −r; modulo 180° that is π − r (and 0 stays 0).
  if (y < 0 && r > 0) r = Math.PI - r;
  return r >= Math.PI ? 0 : r;
}

/**
 * Finds turned linear codes anywhere in the image: gradient directions are
 * histogrammed per 64-px tile (Sobel on every other pixel, strong edges
 * only, 5° bins modulo 180°, weighted by magnitude, as dominantOrientation
 * does for one image), tiles whose peak holds `minShare` of their edges at
 * an angle between `minDegrees` and `maxDegrees` are kept, and neighbours
 * within 8° of each other are grouped. A code turned off the aim region
 * is found as well as one in its middle, for about the cost of one pass
 * over the image.
 */
export function turnedRegions(luma: Luma, options: TurnedOptions, minMagnitude = 40): TurnedRegion[] {
  const { width, height } = luma;
  const cols = Math.ceil(width / TILE);
  const rows = Math.ceil(height / TILE);
  const tiles = cols * rows;
  // Per tile: the dominant direction, or NaN when none stands out or it is not turned enough.
  const angles = new Float64Array(tiles).fill(Number.NaN);
  const totals = new Float64Array(tiles);
  const scratch: TileScratch = { bins: new Float64Array(BINS), cos: new Float64Array(BINS), sin: new Float64Array(BINS) };
  for (let t = 0; t < tiles; t++) {
    const tx = t % cols;
    const ty = Math.floor(t / cols);
    // A quick look first (every eighth pixel, a looser bar): most tiles, and every tile of a noisy frame, end here.
    const quick = tilePeak(luma, tx, ty, 8, minMagnitude, scratch, false);
    if (!quick || quick.total * 16 < 0.8 * MIN_TILE_WEIGHT || quick.share < 0.8 * options.minShare || !mayTurn(quick.peak, options, 10)) continue;
    const full = tilePeak(luma, tx, ty, 2, minMagnitude, scratch, true);
    if (!full || full.total < MIN_TILE_WEIGHT || full.share < options.minShare) continue;
    if (Math.abs(full.degrees) < options.minDegrees || Math.abs(full.degrees) > options.maxDegrees) continue;
    angles[t] = full.degrees;
    totals[t] = full.total;
  }
  // Neighbouring tiles turned alike form one region.
  const group = new Int32Array(tiles).fill(-1);
  const regions: TurnedRegion[] = [];
  for (let t = 0; t < tiles; t++) {
    if (Number.isNaN(angles[t]!) || group[t] !== -1) continue;
    const id = regions.length;
    const stack = [t];
    group[t] = id;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    let weight = 0;
    let weighted = 0;
    while (stack.length > 0) {
      const u = stack.pop()!;
      const ux = u % cols;
      const uy = Math.floor(u / cols);
      x0 = Math.min(x0, ux);
      y0 = Math.min(y0, uy);
      x1 = Math.max(x1, ux);
      y1 = Math.max(y1, uy);
      weight += totals[u]!;
      weighted += totals[u]! * angles[u]!;
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1], [1, -1], [-1, 1]] as const) {
        const vx = ux + dx;
        const vy = uy + dy;
        if (vx < 0 || vy < 0 || vx >= cols || vy >= rows) continue;
        const v = vy * cols + vx;
        if (group[v] !== -1 || Number.isNaN(angles[v]!) || Math.abs(angles[v]! - angles[u]!) > 8) continue;
        group[v] = id;
        stack.push(v);
      }
    }
    // One tile of margin all round: the code's ends and quiet zone lie in tiles that did not qualify.
    const rx = Math.max(0, (x0 - 1) * TILE);
    const ry = Math.max(0, (y0 - 1) * TILE);
    const rect = { x: rx, y: ry, width: Math.min(width, (x1 + 2) * TILE) - rx, height: Math.min(height, (y1 + 2) * TILE) - ry };
    regions.push({ rect, degrees: weighted / weight, weight });
  }
  return regions.sort((a, b) => b.weight - a.weight);
}

/** Degrees folded into (−90, 90]. */
function foldDegrees(degrees: number): number {
  return degrees <= -90 ? degrees + 180 : degrees > 90 ? degrees - 180 : degrees;
}

/** A tile must hold a fair share of edges (sampled on every other pixel): a few strokes of print do not make a code. */
const MIN_TILE_WEIGHT = (TILE * TILE) / 4 / 8 * 120;

/** Whether a peak bin's direction, give or take `slack` degrees, can lie between minDegrees and maxDegrees. */
function mayTurn(peak: number, options: TurnedOptions, slack: number): boolean {
  const centre = Math.abs(foldDegrees(((peak + 0.5) * 180) / BINS));
  return centre + slack >= options.minDegrees && centre - slack <= options.maxDegrees;
}

/** Scratch space of tilePeak, one set for all tiles: per 5° bin, the edge weight and the weighted doubled-angle vector. */
interface TileScratch {
  readonly bins: Float64Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

/**
 * One tile's strong edge directions (Sobel every `step` pixels on odd rows
 * and columns, 5° bins modulo 180°, weighted by magnitude): its peak (the
 * heaviest three neighbouring bins, wrapping at 180°), the share of the
 * tile's edge weight the peak holds, and that weight. Null with no edge.
 * With `refine`, also the weighted mean direction of the edges in the peak's
 * three bins (degrees, (−90, 90]), averaged as doubled-angle vectors so that
 * directions either side of 0° and 180° meet, the vector's cosine and sine
 * taken from the gradient itself; NaN without.
 */
function tilePeak(
  luma: Luma,
  tx: number,
  ty: number,
  step: number,
  minMagnitude: number,
  scratch: TileScratch,
  refine: boolean,
): { peak: number; share: number; total: number; degrees: number } | null {
  const { width, height, data } = luma;
  const { bins, cos, sin } = scratch;
  bins.fill(0);
  if (refine) {
    cos.fill(0);
    sin.fill(0);
  }
  let total = 0;
  const y1 = Math.min(height - 1, (ty + 1) * TILE);
  const x1 = Math.min(width - 1, (tx + 1) * TILE);
  for (let y = ty * TILE + 1; y < y1; y += step) {
    for (let x = tx * TILE + 1; x < x1; x += step) {
      const i = y * width + x;
      const gx = data[i - width + 1]! + 2 * data[i + 1]! + data[i + width + 1]! - data[i - width - 1]! - 2 * data[i - 1]! - data[i + width - 1]!;
      const gy = data[i + width - 1]! + 2 * data[i + width]! + data[i + width + 1]! - data[i - width - 1]! - 2 * data[i - width]! - data[i - width + 1]!;
      const magnitude = Math.abs(gx) + Math.abs(gy);
      if (magnitude < minMagnitude) continue;
      const bin = Math.min(BINS - 1, Math.floor((halfTurn(gy, gx) / Math.PI) * BINS));
      bins[bin]! += magnitude;
      total += magnitude;
      if (refine) {
        const r2 = gx * gx + gy * gy;
        cos[bin]! += (magnitude * (gx * gx - gy * gy)) / r2;
        sin[bin]! += (magnitude * 2 * gx * gy) / r2;
      }
    }
  }
  if (total === 0) return null;
  let peak = 0;
  let weight = 0;
  for (let b = 0; b < BINS; b++) {
    const w = bins[(b + BINS - 1) % BINS]! + bins[b]! + bins[(b + 1) % BINS]!;
    if (w > weight) {
      peak = b;
      weight = w;
    }
  }
  let degrees = Number.NaN;
  if (refine) {
    const window = [(peak + BINS - 1) % BINS, peak, (peak + 1) % BINS];
    const c = window.reduce((sum, b) => sum + cos[b]!, 0);
    const sn = window.reduce((sum, b) => sum + sin[b]!, 0);
    degrees = foldDegrees(((Math.atan2(sn, c) / 2) * 180) / Math.PI);
  }
  return { peak, share: weight / total, total, degrees };
}
