/**
 * Finding the printed 18-digit line in a camera frame: dark marks found by
 * a local threshold, joined into connected components, and components of
 * digit size chained left to right along a straight line (any turn up to
 * about 40°). Each chain becomes a row of character cells — one per digit,
 * splitting two touching digits and joining a broken one by the line's own
 * pitch — ready for the digit reader (reader.ts). Pure code on 8-bit grey
 * pixels, about 20–40 ms for a 720p frame; it runs in the OCR worker, never
 * on the per-frame decode path.
 */
import type { Luma } from '../preprocess';

/** One character cell: its centre, and the line's direction and cap height there (frame pixels). */
export interface Cell {
  readonly x: number;
  readonly y: number;
}

export interface TextLine {
  readonly cells: readonly Cell[];
  /** Unit vector along the line (left to right) and across it (downwards). */
  readonly ux: number;
  readonly uy: number;
  /** Cap height of the digits, pixels. */
  readonly height: number;
  /** Distance between neighbouring digits, pixels. */
  readonly pitch: number;
}

interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  count: number;
  label: number;
}

const MIN_HEIGHT = 7;
const MAX_HEIGHT = 80;

/** Marks darker than their surroundings: below the mean of a (2r+1)² window by a margin. */
export function darkMarks(luma: Luma, radius: number): Uint8Array {
  const { width, height, data } = luma;
  const stride = width + 1;
  const integral = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += data[y * width + x]!;
      integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1]! + row;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const ya = Math.max(0, y - radius);
    const yb = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const xa = Math.max(0, x - radius);
      const xb = Math.min(width, x + radius + 1);
      const sum = integral[yb * stride + xb]! - integral[ya * stride + xb]! - integral[yb * stride + xa]! + integral[ya * stride + xa]!;
      const mean = sum / ((yb - ya) * (xb - xa));
      if (data[y * width + x]! < mean - Math.max(10, mean * 0.12)) out[y * width + x] = 1;
    }
  }
  return out;
}

/** 8-connected components (two passes with union-find), with their boxes; `labels` gets each pixel's component. */
function components(marks: Uint8Array, width: number, height: number, labels: Int32Array): Component[] {
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!marks[i]) continue;
      const left = x > 0 ? labels[i - 1]! : 0;
      const up = y > 0 ? labels[i - width]! : 0;
      const upLeft = x > 0 && y > 0 ? labels[i - width - 1]! : 0;
      const upRight = x < width - 1 && y > 0 ? labels[i - width + 1]! : 0;
      const near = [left, up, upLeft, upRight].filter((l) => l > 0);
      if (near.length === 0) {
        const label = parent.length;
        parent.push(label);
        labels[i] = label;
      } else {
        const label = Math.min(...near);
        labels[i] = label;
        for (const l of near) if (l !== label) union(l, label);
      }
    }
  }
  const byRoot = new Map<number, Component>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!labels[i]) continue;
      const root = find(labels[i]!);
      labels[i] = root;
      const c = byRoot.get(root);
      if (!c) byRoot.set(root, { x0: x, y0: y, x1: x, y1: y, count: 1, label: root });
      else {
        if (x < c.x0) c.x0 = x;
        if (x > c.x1) c.x1 = x;
        if (y > c.y1) c.y1 = y;
        c.count++;
      }
    }
  }
  return [...byRoot.values()];
}

interface Mark {
  readonly cx: number;
  readonly cy: number;
  readonly w: number;
  readonly h: number;
  readonly c: Component;
}

/** Components of a digit's size and shape. */
function digitLike(c: Component): Mark | null {
  const w = c.x1 - c.x0 + 1;
  const h = c.y1 - c.y0 + 1;
  if (h < MIN_HEIGHT || h > MAX_HEIGHT || w > 1.6 * h || w < 2) return null;
  // Strokes, not blobs or hairlines.
  const fill = c.count / (w * h);
  if (fill < 0.12 || fill > 0.75) return null;
  return { cx: (c.x0 + c.x1) / 2, cy: (c.y0 + c.y1) / 2, w, h, c };
}

/** Chains of digit-like marks, left to right, each next one where the chain's direction and pitch say. */
function chains(marks: Mark[]): Mark[][] {
  const sorted = [...marks].sort((a, b) => a.cx - b.cx);
  const used = new Set<Mark>();
  const out: Mark[][] = [];
  for (const start of sorted) {
    if (used.has(start)) continue;
    const chain = [start];
    let dir: [number, number] | null = null;
    let current = start;
    for (;;) {
      let best: Mark | null = null;
      let bestScore = Infinity;
      for (const m of sorted) {
        if (m.cx <= current.cx || used.has(m) || chain.includes(m)) continue;
        const dx = m.cx - current.cx;
        if (dx > 3 * current.h) break;
        const dy = m.cy - current.cy;
        const size = Math.max(m.h, current.h);
        if (Math.abs(m.h - current.h) > 0.35 * size) continue;
        const dist = Math.hypot(dx, dy);
        if (dist > 2.3 * size || dist < 0.3 * size) continue;
        // Off the line so far: the chain's direction, or up to 40° for the second mark.
        const off = dir ? Math.abs(-dir[1] * dx + dir[0] * dy) : Math.abs(dy) - dx * Math.tan((40 * Math.PI) / 180);
        if (off > 0.35 * size) continue;
        const score = dist + 3 * Math.max(0, off);
        if (score < bestScore) {
          best = m;
          bestScore = score;
        }
      }
      if (!best) break;
      chain.push(best);
      const first = chain[0]!;
      const len = Math.hypot(best.cx - first.cx, best.cy - first.cy);
      dir = [(best.cx - first.cx) / len, (best.cy - first.cy) / len];
      current = best;
    }
    if (chain.length >= 12) {
      for (const m of chain) used.add(m);
      out.push(chain);
    }
  }
  return out;
}

/** The line's cells: marks ordered along it, touching digits split and broken ones joined by the pitch. */
function toLine(chain: Mark[], labels: Int32Array, width: number): TextLine | null {
  // Direction by least squares through the centres.
  const n = chain.length;
  const mx = chain.reduce((s, m) => s + m.cx, 0) / n;
  const my = chain.reduce((s, m) => s + m.cy, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const m of chain) {
    sxx += (m.cx - mx) ** 2;
    sxy += (m.cx - mx) * (m.cy - my);
  }
  const angle = Math.atan2(sxy, sxx);
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  // Each mark's extent along and across the line, from its own pixels.
  const spans = chain.map((m) => {
    let a0 = Infinity;
    let a1 = -Infinity;
    let b0 = Infinity;
    let b1 = -Infinity;
    const { c } = m;
    for (let y = c.y0; y <= c.y1; y++) {
      for (let x = c.x0; x <= c.x1; x++) {
        if (labels[y * width + x] !== c.label) continue;
        const a = x * ux + y * uy;
        const b = -x * uy + y * ux;
        if (a < a0) a0 = a;
        if (a > a1) a1 = a;
        if (b < b0) b0 = b;
        if (b > b1) b1 = b;
      }
    }
    return { a0, a1: a1 + 1, b0, b1: b1 + 1 };
  });
  const heights = spans.map((s) => s.b1 - s.b0).sort((p, q) => p - q);
  const height = heights[Math.floor(heights.length / 2)]!;
  // OCR-B: the advance is 0.94 of the cap height (0.723 em to 0.77 em).
  const pitch = height * 0.94;
  // Centre across the line: each mark's own, smoothed over its neighbours (a curled ticket's line bends).
  const centres: { a: number; b: number }[] = [];
  for (const s of spans) {
    const extent = s.a1 - s.a0;
    const parts = Math.max(1, Math.round(extent / pitch));
    if (parts > 3) return null;
    for (let k = 0; k < parts; k++) centres.push({ a: s.a0 + (extent * (k + 0.5)) / parts, b: (s.b0 + s.b1) / 2 });
  }
  centres.sort((p, q) => p.a - q.a);
  // Pieces closer than half a pitch are one broken digit.
  const joined: { a: number; b: number }[] = [];
  for (const c of centres) {
    const last = joined[joined.length - 1];
    if (last && c.a - last.a < 0.5 * pitch) joined[joined.length - 1] = { a: (last.a + c.a) / 2, b: (last.b + c.b) / 2 };
    else joined.push(c);
  }
  const cells = joined.map((c, i) => {
    const near = joined.slice(Math.max(0, i - 2), i + 3).map((n) => n.b).sort((p, q) => p - q);
    const b = near[near.length >> 1]!;
    return { x: c.a * ux - b * uy, y: c.a * uy + b * ux };
  });
  return { cells, ux, uy, height, pitch };
}

/** Candidate lines of digits in the frame (rows of 12 or more digit-sized marks). */
export function findTextLines(luma: Luma): TextLine[] {
  const marks = darkMarks(luma, 10);
  const labels = new Int32Array(luma.width * luma.height);
  const found = components(marks, luma.width, luma.height, labels).map(digitLike).filter((m): m is Mark => m !== null);
  return chains(found)
    .map((chain) => toLine(chain, labels, luma.width))
    .filter((line): line is TextLine => line !== null);
}
