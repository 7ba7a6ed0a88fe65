/**
 * The decode corpus: camera frames made from real rendered barcodes, each
 * from a seed, so the same corpus comes out on every machine. A frame is a
 * ticket (or vial label) on a desk, seen through a pinhole camera: the label
 * is filtered to the camera's resolution (pixel area and lens, σ 0.6 px),
 * placed by a homography (rotation, tilt), then the distortion of its class
 * is applied, then sensor noise, then 8-bit quantisation.
 */
import {
  addGlare,
  addNoise,
  compose,
  createGray,
  fillRect,
  gaussianBlur,
  planeTilt,
  rotation,
  sampleBilinear,
  scaling,
  toLuma,
  translation,
  warpOnto,
  apply,
  type Frame,
  type Gray,
  type Mat3,
} from './image';
import { mulberry32, seedOf, type Rng } from '../../support/random';
import { payloadFor, renderLabel, renderSymbol, SYMBOLOGIES, type Label, type Payload, type Symbology } from './symbols';

export type Distortion = 'clean' | 'blur' | 'rotation' | 'perspective' | 'contrast' | 'glare' | 'noise' | 'small' | 'crease';
export const DISTORTIONS: readonly Distortion[] = ['clean', 'blur', 'rotation', 'perspective', 'contrast', 'glare', 'noise', 'small', 'crease'];

export type Resolution = '640x480' | '1280x720';
export const RESOLUTIONS: readonly Resolution[] = ['640x480', '1280x720'];
const SIZE: Record<Resolution, { width: number; height: number }> = { '640x480': { width: 640, height: 480 }, '1280x720': { width: 1280, height: 720 } };

/** Horizontal field of view assumed for a desk webcam (typical ones are 60–70°). */
export const HFOV_DEGREES = 65;
export const focalPx = (width: number) => width / 2 / Math.tan((HFOV_DEGREES / 2) * (Math.PI / 180));

/** The small-code model of the issue: a 10 mm QR (version 1, 21 modules) at a distance, on a 720p camera. */
export const SMALL_QR_MM = 10;
export const SMALL_DISTANCES_MM = [200, 270, 330, 400] as const;
export const smallPxPerModule = (distanceMm: number) => (SMALL_QR_MM / 21 / distanceMm) * focalPx(1280);

/**
 * Severity levels of each class, mildest first. Units: blur σ in frame
 * pixels; rotation in degrees; perspective tilt in degrees; contrast as
 * Michelson modulation of the print; glare blob σ as a fraction of the code
 * size; noise σ in grey levels; small as pixels per module; crease offset in
 * modules.
 */
export const LEVELS: Record<Distortion, readonly number[]> = {
  clean: [0],
  blur: [1, 1.75, 2.5],
  rotation: [10, 20, 30],
  perspective: [20, 35, 50],
  contrast: [0.35, 0.27, 0.2],
  glare: [0.12, 0.18, 0.25],
  noise: [10, 18, 25],
  small: SMALL_DISTANCES_MM.map((d) => Math.round(smallPxPerModule(d) * 100) / 100),
  crease: [0.3, 0.6, 1],
};

/** Pixels per module (narrow bar for NW-7) at normal reading distance, per symbology and resolution. */
const NORMAL_PPM: Record<Symbology, Record<Resolution, readonly [number, number]>> = {
  qr: { '640x480': [2.5, 4.5], '1280x720': [3, 6] },
  nw7: { '640x480': [1.7, 2.8], '1280x720': [2, 3.5] },
  gs1dm: { '640x480': [2.5, 4.5], '1280x720': [3, 6] },
};

export interface SampleSpec {
  readonly id: string;
  /** null: an empty frame (a ticket without a code in view), timed but not in the read rates. */
  readonly symbology: Symbology | null;
  readonly distortion: Distortion;
  /** Index into LEVELS[distortion]. */
  readonly severity: number;
  readonly level: number;
  readonly resolution: Resolution;
  readonly seed: number;
}

export interface Sample {
  readonly spec: SampleSpec;
  readonly frame: Frame;
  /** The exact text a decoder must return; null for an empty frame. */
  readonly expected: string | null;
}

export interface CorpusOptions {
  readonly seed?: number;
  /** Samples per symbology × class × severity × resolution (clean gets three times as many). */
  readonly perSeverity?: number;
  /** Empty frames per resolution. */
  readonly empty?: number;
  readonly distortions?: readonly Distortion[];
  readonly symbologies?: readonly Symbology[];
  readonly resolutions?: readonly Resolution[];
}

export function corpusSpecs(options: CorpusOptions = {}): SampleSpec[] {
  const seed = options.seed ?? 1;
  const per = options.perSeverity ?? 6;
  const specs: SampleSpec[] = [];
  for (const resolution of options.resolutions ?? RESOLUTIONS) {
    for (const symbology of options.symbologies ?? SYMBOLOGIES) {
      for (const distortion of options.distortions ?? DISTORTIONS) {
        const levels = LEVELS[distortion];
        const count = distortion === 'clean' ? 3 * per : per;
        levels.forEach((level, severity) => {
          for (let n = 0; n < count; n++) {
            const id = `${resolution}/${symbology}/${distortion}/${severity}/${n}`;
            specs.push({ id, symbology, distortion, severity, level, resolution, seed: seedOf(seed, id) });
          }
        });
      }
    }
    for (let n = 0; n < (options.empty ?? 0); n++) {
      const id = `${resolution}/empty/${n}`;
      specs.push({ id, symbology: null, distortion: 'clean', severity: 0, level: 0, resolution, seed: seedOf(seed, id) });
    }
  }
  return specs;
}

// ---------------------------------------------------------------- one frame

const PSF_SIGMA = 0.6;
const SENSOR_NOISE = 2.5;

export function renderSample(spec: SampleSpec): Sample {
  const rng = mulberry32(spec.seed);
  const { width, height } = SIZE[spec.resolution];
  const frame = desk(width, height, rng);
  const symbology = spec.symbology ?? rng.pick(SYMBOLOGIES);
  const payload = payloadFor(symbology, rng);
  const symbol = renderSymbol(payload);
  const ppm = spec.distortion === 'small' ? spec.level : rng.range(...NORMAL_PPM[symbology][spec.resolution]);
  // Oversample the label about twice the camera's resolution, so the camera filter has something to filter.
  const unit = Math.max(3, Math.ceil(2 * ppm));
  const contrast = spec.distortion === 'contrast' ? printLevels(spec.level, rng) : { paper: rng.range(215, 240), ink: rng.range(25, 50) };
  let label = renderLabel(symbology, symbol, { unit, ...contrast, wideRatio: rng.range(2.5, 3) }, rng);
  if (spec.symbology === null) label = blankCode(label);
  if (spec.distortion === 'crease') label = crease(label, spec.level, rng);

  const labelToFrame = placement(spec, label, ppm, { width, height }, rng);
  const filtered = { ...label, image: gaussianBlur(label.image, (PSF_SIGMA * unit) / ppm) };
  warpOnto(frame, filtered.image, labelToFrame);

  if (spec.distortion === 'glare') glare(frame, label, labelToFrame, spec.level, rng);
  const blurred = spec.distortion === 'blur' ? gaussianBlur(frame, spec.level) : frame;
  addNoise(blurred, spec.distortion === 'noise' ? Math.hypot(spec.level, SENSOR_NOISE) : SENSOR_NOISE, rng);
  return { spec, frame: toLuma(blurred), expected: spec.symbology === null ? null : payload.expected };
}

/**
 * A code alone, black on white with its quiet zone, centred in a 640×480
 * frame at whole pixels per module: the easiest picture there is, for the
 * adapters' own tests (each library must read this, whatever else it misses).
 */
export function pureFrame(payload: Payload, modulePx = 4): Frame {
  const symbol = renderSymbol(payload);
  const image = createGray(640, 480, 240);
  if (symbol.kind === 'matrix') {
    const left = Math.round((640 - symbol.cols * modulePx) / 2);
    const top = Math.round((480 - symbol.rows * modulePx) / 2);
    for (let y = 0; y < symbol.rows; y++) {
      for (let x = 0; x < symbol.cols; x++) if (symbol.dark[y * symbol.cols + x]) fillRect(image, left + x * modulePx, top + y * modulePx, modulePx, modulePx, 20);
    }
  } else {
    const unit = Math.max(2, modulePx >> 1);
    const length = symbol.widths.reduce((sum, w) => sum + w, 0) * unit;
    let x = Math.round((640 - length) / 2);
    symbol.widths.forEach((w, i) => {
      if (i % 2 === 0) fillRect(image, x, 180, w * unit, 120, 20);
      x += w * unit;
    });
  }
  return toLuma(image);
}

/** A desk under room light: a smooth, uneven grey (bilinear over a coarse random grid). */
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

/** Faded or thermal print: paper and ink around a mean, `modulation` = (paper − ink) / (paper + ink). */
function printLevels(modulation: number, rng: Rng): { paper: number; ink: number } {
  const mean = rng.range(120, 160);
  return { paper: mean * (1 + modulation), ink: mean * (1 - modulation) };
}

/** The same paper with the code's area left blank (an empty frame still has a ticket in it). */
function blankCode(label: Label): Label {
  const image = { ...label.image, data: label.image.data.slice() };
  const { x, y, w, h } = label.code;
  for (let row = Math.floor(y); row < Math.ceil(y + h); row++) image.data.fill(label.paper, row * image.width + Math.floor(x), row * image.width + Math.ceil(x + w));
  return { ...label, image };
}

/**
 * Where the code lands: centred near the middle of the frame (a person
 * aims at the on-screen frame, not perfectly), turned a little or by the
 * class's angle, tilted for the perspective class, and kept inside the frame.
 */
function placement(spec: SampleSpec, label: Label, ppm: number, size: { width: number; height: number }, rng: Rng): Mat3 {
  const angle = (spec.distortion === 'rotation' ? rng.sign() * spec.level : rng.range(-3, 3)) * (Math.PI / 180);
  const tilt = spec.distortion === 'perspective' ? { axis: rng.range(0, Math.PI), tilt: spec.level * (Math.PI / 180) } : { axis: 0, tilt: 0 };
  const cx = label.code.x + label.code.w / 2;
  const cy = label.code.y + label.code.h / 2;
  const local = compose(planeTilt(focalPx(size.width), tilt.axis, tilt.tilt), rotation(angle), scaling(ppm / label.unit), translation(-cx, -cy));
  // The code's corners with a quiet zone's worth of margin, relative to where the code centre lands.
  const pad = 4 * label.unit;
  const corners = [
    [label.code.x - pad, label.code.y - pad],
    [label.code.x + label.code.w + pad, label.code.y - pad],
    [label.code.x - pad, label.code.y + label.code.h + pad],
    [label.code.x + label.code.w + pad, label.code.y + label.code.h + pad],
  ].map(([x, y]) => apply(local, x ?? 0, y ?? 0));
  const reachX = Math.max(...corners.map((p) => Math.abs(p[0])));
  const reachY = Math.max(...corners.map((p) => Math.abs(p[1])));
  const clampCentre = (value: number, reach: number, extent: number) => Math.min(Math.max(value, reach + 4), extent - reach - 4);
  const x = clampCentre(size.width / 2 + rng.range(-0.12, 0.12) * size.width, reachX, size.width);
  const y = clampCentre(size.height / 2 + rng.range(-0.12, 0.12) * size.height, reachY, size.height);
  return compose(translation(x, y), local);
}

/**
 * A fold across the code: the paper beyond the fold line is displaced by
 * `offsetModules` (the two halves no longer lie flat), the fold itself is a
 * thin dark (shadow) or bright (whitened fibres) band, and the far facet is
 * lit a little differently.
 */
function crease(label: Label, offsetModules: number, rng: Rng): Label {
  const { image, unit, code } = label;
  const theta = rng.range(0, Math.PI);
  const nx = Math.cos(theta);
  const ny = Math.sin(theta);
  const px = code.x + code.w * rng.range(0.35, 0.65);
  const py = code.y + code.h * rng.range(0.35, 0.65);
  const along = rng.range(-0.5, 0.5);
  const shift = offsetModules * unit;
  const dx = shift * (nx - along * ny);
  const dy = shift * (ny + along * nx);
  const band = (0.4 + 0.6 * offsetModules) * unit;
  const dark = rng.next() < 0.5;
  const facet = rng.range(0.88, 0.97);
  const out = createGray(image.width, image.height);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const sx = x + 0.5;
      const sy = y + 0.5;
      const s = (sx - px) * nx + (sy - py) * ny;
      let v = s > 0 ? sampleBilinear(image, sx - dx, sy - dy) * facet : image.data[y * image.width + x]!;
      if (Number.isNaN(v)) v = label.paper * facet;
      if (Math.abs(s) < band / 2) v = dark ? v * 0.5 : v + 0.6 * (255 - v);
      out.data[y * image.width + x] = v;
    }
  }
  return { ...label, image: out };
}

/** A bright reflection over part of the code: σ = `fraction` of the code's size, bright enough to saturate its middle. */
function glare(frame: Gray, label: Label, labelToFrame: Mat3, fraction: number, rng: Rng): void {
  const { code } = label;
  const [cx, cy] = apply(labelToFrame, code.x + code.w * rng.range(0.2, 0.8), code.y + code.h * rng.range(0.2, 0.8));
  const [ax, ay] = apply(labelToFrame, code.x, code.y);
  const [bx, by] = apply(labelToFrame, code.x + code.w, code.y + code.h);
  const size = Math.hypot(bx - ax, by - ay) / Math.SQRT2;
  addGlare(frame, cx, cy, fraction * size, rng.range(200, 280));
}
