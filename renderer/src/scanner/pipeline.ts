/**
 * Decoding pipelines as data: an ordered list of attempts, each a region of
 * the frame, preprocessing steps and one library with its options. The first
 * attempt that reads something acceptable ends the frame; later ones run only
 * when the earlier failed. The decode worker runs the recommended pipeline
 * (recommended.ts) and the decode benchmark measures the same code, with the
 * libraries plugged in for Node (test/bench/decode/engines.ts), so what the
 * bench chose is what the app runs.
 */
import type { CodeFormat, DecodedCode, Frame } from './decoder';
import { centreRect, cropRgba, dominantOrientation, lumaToRgba, luminance, shear, type CentreRegion, type Luma } from './preprocess';

/**
 * Straighten a turned linear code by a shear along the dominant edge
 * direction; when nothing is turned by `minDegrees`…`maxDegrees`, or no
 * direction holds `minShare` of the edges, the attempt is skipped, costing
 * only the estimate.
 */
export type Preprocess = { readonly op: 'deskew'; readonly minDegrees: number; readonly maxDegrees: number; readonly minShare: number };

/** zxing-wasm's options as plain data (the subset a pipeline may set). */
export interface WasmOptions {
  readonly formats?: readonly CodeFormat[];
  readonly tryHarder?: boolean;
  readonly tryRotate?: boolean;
  readonly tryInvert?: boolean;
  readonly tryDownscale?: boolean;
  readonly tryDenoise?: boolean;
  readonly binarizer?: 'LocalAverage' | 'GlobalHistogram' | 'FixedThreshold' | 'BoolCast';
  readonly downscaleFactor?: number;
  readonly downscaleThreshold?: number;
  readonly minLineCount?: number;
  readonly maxNumberOfSymbols?: number;
}

/** @zxing/library's setup as plain data. */
export interface LibraryOptions {
  readonly formats: readonly CodeFormat[];
  readonly tryHarder?: boolean;
  readonly binarizer?: 'Hybrid' | 'GlobalHistogram';
}

interface AttemptBase {
  /** A centred part of the frame (fractions of its width and height), or null for the whole frame. */
  readonly region: CentreRegion | null;
  readonly preprocess: readonly Preprocess[];
}

export type Attempt =
  | (AttemptBase & { readonly engine: 'zxing-wasm'; readonly options: WasmOptions })
  | (AttemptBase & { readonly engine: 'zxing-library'; readonly options: LibraryOptions });

export interface PipelineSpec {
  readonly name: string;
  /** One line for the report: what this setup is and why. */
  readonly summary: string;
  readonly attempts: readonly Attempt[];
  /**
   * Patterns a read must match to count, per format (regular expression
   * sources). A read of the wrong shape (an NW-7 cut short by glare) is
   * dropped and the next attempt runs, instead of ending the frame on a misread.
   */
  readonly accept?: Partial<Record<CodeFormat, string>>;
}

/** What one library call found: codes, and whether a symbol was seen but not read ("hold steady"). */
export interface EngineRead {
  readonly codes: readonly DecodedCode[];
  readonly seen: boolean;
}

/** The libraries, as the place running the pipeline loads them (worker: served .wasm; Node: the package file). */
export interface Engines {
  wasm?(options: WasmOptions): (frame: Frame) => Promise<EngineRead>;
  library?(options: LibraryOptions): (luma: Luma) => EngineRead;
}

/** Grey pixels of one region after some preprocessing, computed once per frame and shared by attempts. */
class FramePixels {
  private readonly cache = new Map<string, Luma | Frame | null>();
  constructor(private readonly frame: Frame) {}

  /** null: a step decided there is nothing for this attempt to do (deskew of an unturned frame). */
  luma(region: CentreRegion | null, steps: readonly Preprocess[]): Luma | null {
    const key = `L${JSON.stringify([region, steps])}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit as Luma | null;
    const before = steps.length === 0 ? luminance(this.frame, centreRect(this.frame, region)) : this.luma(region, steps.slice(0, -1));
    const last = steps[steps.length - 1];
    const luma = before && last ? applyStep(before, last) : before;
    this.cache.set(key, luma);
    return luma;
  }

  /** RGBA for zxing-wasm: the frame itself when nothing is done to it, so the plain setup pays no copy. */
  rgba(region: CentreRegion | null, steps: readonly Preprocess[]): Frame | null {
    if (steps.length === 0) return cropRgba(this.frame, centreRect(this.frame, region));
    const key = `R${JSON.stringify([region, steps])}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit as Frame | null;
    const luma = this.luma(region, steps);
    const frame = luma ? lumaToRgba(luma) : null;
    this.cache.set(key, frame);
    return frame;
  }
}

function applyStep(luma: Luma, step: Preprocess): Luma | null {
  const angle = dominantOrientation(luma, 40, step.minShare);
  if (angle === null || Math.abs(angle) < step.minDegrees || Math.abs(angle) > step.maxDegrees) return null;
  return shear(luma, angle);
}

type Reader = { kind: 'wasm'; read: (frame: Frame) => Promise<EngineRead> } | { kind: 'library'; read: (luma: Luma) => EngineRead };

export interface PipelineDecoder {
  readonly name: string;
  decode(frame: Frame): Promise<EngineRead>;
}

export function createPipelineDecoder(spec: PipelineSpec, engines: Engines): PipelineDecoder {
  // Readers are built once per worker (or bench run), not per frame.
  const readers: Reader[] = spec.attempts.map((attempt) => {
    if (attempt.engine === 'zxing-wasm' && engines.wasm) return { kind: 'wasm', read: engines.wasm(attempt.options) };
    if (attempt.engine === 'zxing-library' && engines.library) return { kind: 'library', read: engines.library(attempt.options) };
    throw new Error(`${spec.name}: no ${attempt.engine} engine was given`);
  });
  const patterns = new Map(Object.entries(spec.accept ?? {}).map(([format, source]) => [format, new RegExp(source)]));
  const acceptable = (code: DecodedCode) => patterns.get(code.format)?.test(code.text) ?? true;
  return {
    name: spec.name,
    async decode(frame: Frame): Promise<EngineRead> {
      const pixels = new FramePixels(frame);
      let seen = false;
      for (const [i, attempt] of spec.attempts.entries()) {
        const reader = readers[i];
        if (!reader) continue;
        const read = await runAttempt(attempt, pixels, reader);
        seen ||= read.seen;
        const codes = read.codes.filter(acceptable);
        if (codes.length > 0) return { codes, seen: true };
      }
      return { codes: [], seen };
    },
  };
}

async function runAttempt(attempt: Attempt, pixels: FramePixels, reader: Reader): Promise<EngineRead> {
  if (reader.kind === 'wasm') {
    const frame = pixels.rgba(attempt.region, attempt.preprocess);
    return frame ? reader.read(frame) : { codes: [], seen: false };
  }
  const luma = pixels.luma(attempt.region, attempt.preprocess);
  return luma ? reader.read(luma) : { codes: [], seen: false };
}
