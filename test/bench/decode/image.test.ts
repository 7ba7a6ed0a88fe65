import { describe, expect, it } from 'vitest';
import {
  apply,
  compose,
  createGray,
  gaussianBlur,
  homographyFromPoints,
  IDENTITY,
  invert,
  planeTilt,
  rotation,
  sampleBilinear,
  scaling,
  translation,
  warpOnto,
  type Gray,
  type Mat3,
} from './image';
import { dominantOrientation, halfTurn, halveLuma, shear, turnedRegions, type Luma } from '../../../renderer/src/scanner/preprocess';
import { mulberry32 } from '../../support/random';

const close = (a: readonly number[], b: readonly number[], digits = 9) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i] ?? Number.NaN, digits));

function randomImage(width: number, height: number, seed: number): Gray {
  const rng = mulberry32(seed);
  return { width, height, data: Float32Array.from({ length: width * height }, () => Math.round(rng.range(0, 255))) };
}

describe('homographies', () => {
  it('compose applies the rightmost first', () => {
    const m = compose(translation(10, 0), scaling(2));
    close(apply(m, 1, 1), [12, 2]);
  });

  it('invert undoes a projective map', () => {
    const m = compose(translation(300, 200), planeTilt(1000, 0.7, 0.6), rotation(0.4), scaling(1.7));
    close(compose(m, invert(m)), IDENTITY);
    const [x, y] = apply(m, 13, -7);
    close(apply(invert(m), x, y), [13, -7]);
  });

  it('rotation keeps distances and turns clockwise on screen (y down)', () => {
    const [x, y] = apply(rotation(Math.PI / 2), 1, 0);
    close([x, y], [0, 1]);
    const a = apply(rotation(0.3), 3, 4);
    expect(Math.hypot(...a)).toBeCloseTo(5, 9);
  });

  it('a plane without tilt is the identity at unit scale; a tilt foreshortens across its axis by cos(tilt)', () => {
    const flat = planeTilt(1000, 0.3, 0);
    close(apply(flat, 25, -40), [25, -40]);
    // Tilt about the horizontal axis: small vertical extents shrink by cos(60°) = 0.5, horizontal ones do not.
    const tilted = planeTilt(1e6, 0, Math.PI / 3);
    close(apply(tilted, 0, 2), [0, 1], 4);
    close(apply(tilted, 2, 0), [2, 0], 4);
  });

  it('a real tilt is a keystone: the far edge comes out shorter than the near one', () => {
    const tilted = planeTilt(500, 0, 0.6);
    const top = apply(tilted, 100, -100)[0] - apply(tilted, -100, -100)[0];
    const bottom = apply(tilted, 100, 100)[0] - apply(tilted, -100, 100)[0];
    expect(Math.abs(top - bottom)).toBeGreaterThan(20);
  });

  it('four point pairs give back the homography that made them', () => {
    const m = compose(translation(320, 240), planeTilt(800, 1.1, 0.5), rotation(-0.2), scaling(3));
    const src = [[0, 0], [50, 0], [50, 30], [0, 30]] as const;
    const dst = src.map(([x, y]) => apply(m, x, y));
    const found = homographyFromPoints(src, dst);
    const normalised = m.map((v) => v / m[8]) as unknown as Mat3;
    close(found, normalised, 6);
  });
});

describe('sampling and warping', () => {
  it('bilinear sampling gives the pixel at its centre, the mean between centres, NaN outside', () => {
    const image: Gray = { width: 2, height: 1, data: Float32Array.from([10, 30]) };
    expect(sampleBilinear(image, 0.5, 0.5)).toBe(10);
    expect(sampleBilinear(image, 1.5, 0.5)).toBe(30);
    expect(sampleBilinear(image, 1, 0.5)).toBe(20);
    expect(sampleBilinear(image, -0.1, 0.5)).toBeNaN();
    expect(sampleBilinear(image, 2.1, 0.5)).toBeNaN();
  });

  it('warping by a whole-pixel translation moves the pixels exactly', () => {
    const src = randomImage(7, 5, 3);
    const dst = createGray(20, 20, -1);
    warpOnto(dst, src, translation(4, 6));
    for (let y = 0; y < 5; y++) for (let x = 0; x < 7; x++) expect(dst.data[(y + 6) * 20 + x + 4]).toBe(src.data[y * 7 + x]);
    // Outside the mapped source, the destination keeps what it had.
    expect(dst.data[0]).toBe(-1);
    expect(dst.data[19 * 20 + 19]).toBe(-1);
  });

  it('warping by a quarter turn about the centre of a square turns the pixels', () => {
    const src = randomImage(6, 6, 9);
    const dst = createGray(6, 6);
    warpOnto(dst, src, compose(translation(3, 3), rotation(Math.PI / 2), translation(-3, -3)));
    // (x, y) → (5 − y, x) for a clockwise quarter turn of a 6×6 image.
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) expect(dst.data[x * 6 + (5 - y)]).toBeCloseTo(src.data[y * 6 + x]!, 3);
  });
});

describe('gaussian blur', () => {
  it('keeps a flat image flat and a point’s mass, spreading it with variance σ²', () => {
    const flat = gaussianBlur(createGray(9, 9, 77), 1.5);
    flat.data.forEach((v) => expect(v).toBeCloseTo(77, 3));
    const point = createGray(41, 41);
    point.data[20 * 41 + 20] = 1000;
    const blurred = gaussianBlur(point, 2);
    let mass = 0;
    let variance = 0;
    for (let x = 0; x < 41; x++) {
      const v = blurred.data[20 * 41 + x]!;
      mass += v;
      variance += v * (x - 20) ** 2;
    }
    expect(blurred.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1000, 0);
    expect(variance / mass).toBeCloseTo(4, 1);
  });
});

describe('deskew', () => {
  /** Parallel bars 4 px wide across a line at `degrees` through the centre, on white; `half` limits how far they reach from that line. */
  function bars(degrees: number, half = Infinity): Luma {
    const width = 200;
    const height = 120;
    const a = (degrees * Math.PI) / 180;
    const data = new Uint8ClampedArray(width * height).fill(235);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const along = (x - width / 2) * Math.cos(a) + (y - height / 2) * Math.sin(a);
        const across = -(x - width / 2) * Math.sin(a) + (y - height / 2) * Math.cos(a);
        // Soft edges, as a lens draws them (hard staircase edges would bias any gradient towards 0° and 45°).
        if (Math.abs(across) < half) data[y * width + x] = 127 + 108 * Math.tanh(3 * Math.sin((2 * Math.PI * along) / 8));
      }
    }
    return { width, height, data };
  }

  const edgesOnMiddleRow = (luma: Luma) => {
    const row = Array.from(luma.data.subarray(60 * 200, 61 * 200));
    return row.filter((v, i) => i > 0 && v < 128 !== (row[i - 1] ?? 0) < 128).length;
  };

  it('finds the axis of turned bars within a degree or two', () => {
    for (const degrees of [-30, -12, 0, 17, 28, 44]) expect(Math.abs((dominantOrientation(bars(degrees)) ?? 999) - degrees)).toBeLessThanOrEqual(2);
  });

  it('sees no direction in noise', () => {
    const rng = mulberry32(5);
    const noise = { width: 100, height: 100, data: Uint8ClampedArray.from({ length: 10_000 }, () => rng.int(0, 255)) };
    expect(dominantOrientation(noise)).toBeNull();
  });

  it('a shear along the axis lets one row cross every short bar of a turned code', () => {
    // Bars 16 px long turned by 25°: a plain row leaves them after ~38 px; after the shear it runs their whole length.
    const turned = bars(25, 8);
    const straightened = shear(turned, 25);
    expect(edgesOnMiddleRow(turned)).toBeLessThan(15);
    expect(edgesOnMiddleRow(straightened)).toBeGreaterThan(40);
  });

  it('turnedRegions finds turned bars where they are, at their angle, and nothing in noise', () => {
    // The bars (200 × 120) pasted at (640, 320) of a 1280 × 720 white frame: a turned code away from the middle.
    for (const degrees of [-30, 17, 28]) {
      const patch = bars(degrees);
      const frame = { width: 1280, height: 720, data: new Uint8ClampedArray(1280 * 720).fill(235) };
      for (let y = 0; y < patch.height; y++) frame.data.set(patch.data.subarray(y * patch.width, (y + 1) * patch.width), (320 + y) * 1280 + 640);
      const [region, ...others] = turnedRegions(frame, { minDegrees: 10, maxDegrees: 45, minShare: 0.35 });
      expect(others).toEqual([]);
      expect(Math.abs(region!.degrees - degrees)).toBeLessThanOrEqual(2);
      expect(region!.rect.x).toBeLessThanOrEqual(640);
      expect(region!.rect.x + region!.rect.width).toBeGreaterThanOrEqual(840);
    }
    const seed = 9;
    const rng = mulberry32(seed);
    const noise = { width: 1280, height: 720, data: Uint8ClampedArray.from({ length: 1280 * 720 }, () => rng.int(0, 255)) };
    expect(turnedRegions(noise, { minDegrees: 10, maxDegrees: 45, minShare: 0.35 }), `seed ${seed}`).toEqual([]);
  });
});

describe('small image helpers', () => {
  it('halfTurn is a gradient’s direction modulo 180° within a hundredth of a degree', () => {
    const seed = 4;
    const rng = mulberry32(seed);
    let worst = 0;
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = rng.int(-1020, 1020);
      const y = rng.int(-1020, 1020);
      if (x === 0 && y === 0) continue;
      const exact = (Math.atan2(y, x) + Math.PI) % Math.PI;
      const got = halfTurn(y, x);
      const diff = Math.abs(got - exact);
      worst = Math.max(worst, Math.min(diff, Math.PI - diff));
      if (got < 0 || got >= Math.PI) outside++;
    }
    expect((worst * 180) / Math.PI, `seed ${seed}`).toBeLessThan(0.01);
    expect(outside).toBe(0);
  });

  it('halveLuma averages each 2 × 2 block (rounded), dropping an odd last row or column', () => {
    const luma = { width: 5, height: 3, data: Uint8ClampedArray.from([0, 10, 20, 30, 99, 2, 4, 6, 9, 99, 99, 99, 99, 99, 99]) };
    expect(halveLuma(luma)).toEqual({ width: 2, height: 1, data: Uint8ClampedArray.from([4, 16]) });
  });
});
