/**
 * The decoding pipeline: what the decode worker runs on every camera frame,
 * and what the decode benchmark measures — the same function with the same
 * engine call (decoders/zxing-wasm.ts), only the .wasm loaded differently.
 *
 * A pipeline is data (recommended.ts): an ordered list of attempts, each a
 * region of the frame, an optional deskew, and zxing-wasm's options. Every
 * attempt asks for several symbols and for the ones it found but could not
 * read, so a damaged QR never takes the place of the readable NW-7 beside it.
 * Later attempts run when the earlier ones read nothing, and one marked
 * `alsoAfterRead` runs every so many frames even then, so a second ticket off
 * the aim region is seen too (the page then says "two tickets in view").
 */
import type { Box, CodeFormat, DecodedCode } from './decoder';
import { centreRect, cropLuma, halveLuma, shear, turnedRegions, type CentreRegion, type Luma, type TurnedRegion } from './preprocess';
import { FrameQuality, type QualityReading } from './quality';

/**
 * Straighten turned linear codes (NW-7) anywhere in the attempt's region:
 * tiles whose edges share one direction between `minDegrees` and
 * `maxDegrees` are grouped, and each group is sheared along it so a
 * row-scanning 1D reader crosses all its bars. With no such group the attempt
 * costs only the estimate.
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
  /** Also report symbols found but not decoded (for "hold steady"); they never count as reads. */
  readonly returnErrors?: boolean;
}

export interface Attempt {
  /** A centred part of the frame (fractions of its width and height), or null for the whole frame. */
  readonly region: CentreRegion | null;
  readonly preprocess: readonly Preprocess[];
  readonly options: WasmOptions;
  /** Run even when earlier attempts read something, on every n-th such frame. */
  readonly alsoAfterRead?: number;
}

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
  /**
   * Frames at least this noisy (QualityReading.noise, grey levels) are read
   * at half size first (2 × 2 means: noise halved, a quarter of the pixels)
   * by every attempt, with the library's own downscaling off, and at full
   * size only when that read nothing: in such a frame the full-resolution
   * search is the slowest part, and the half-size one reads most of them.
   */
  readonly halveFromNoise?: number;
}

/** What one library call found: codes (boxes in the pixels it was given), and whether a symbol was seen but not read. */
export interface EngineRead {
  readonly codes: readonly DecodedCode[];
  readonly seen: boolean;
}

/** One call of the library with an attempt's options (the app's: decoders/zxing-wasm.ts). */
export type Engine = (options: WasmOptions) => (luma: Luma) => Promise<EngineRead>;

export interface FrameRead extends EngineRead {
  readonly quality: QualityReading;
}

export interface PipelineDecoder {
  readonly name: string;
  decode(frame: Luma): Promise<FrameRead>;
}

/** Below this sharpness only the first attempt runs: the frame is too soft for the rest to read, and the next one comes sooner. */
export const SOFT_FRAME = 0.15;

/** `formats` narrows what the attempts look for (the screen's purpose); without it each attempt's own list is kept. */
export function createPipelineDecoder(spec: PipelineSpec, engine: Engine, formats?: readonly CodeFormat[]): PipelineDecoder {
  const readersFor = (halved: boolean) =>
    spec.attempts.map((attempt) => {
      const wanted = formats ? (attempt.options.formats ?? formats).filter((f) => formats.includes(f)) : attempt.options.formats;
      const options = halved ? { ...attempt.options, tryDownscale: false } : attempt.options;
      return wanted && wanted.length === 0 ? null : engine({ ...options, formats: wanted });
    });
  const fullSize = readersFor(false);
  const halfSize = spec.halveFromNoise === undefined ? fullSize : readersFor(true);
  const patterns = new Map(Object.entries(spec.accept ?? {}).map(([format, source]) => [format, new RegExp(source)]));
  const acceptable = (code: DecodedCode) => patterns.get(code.format)?.test(code.text) ?? true;
  const quality = new FrameQuality();
  let framesWithReads = 0;
  // Where the last frame's turned code was straightened and read: a ticket held in view is there again in the next frame.
  let lastTurned: TurnedHit | null = null;
  return {
    name: spec.name,
    async decode(frame: Luma): Promise<FrameRead> {
      const measured = quality.measure(frame);
      // A noisy frame is read at half size first, and at full size only if that read nothing.
      const sizes = spec.halveFromNoise !== undefined && measured.noise >= spec.halveFromNoise ? [2, 1] : [1];
      const found = new Map<string, DecodedCode>();
      let seen = false;
      let turnedHit: TurnedHit | null = null;
      for (const scale of sizes) {
        const image = scale === 2 ? halveLuma(frame) : frame;
        const readers = scale === 2 ? halfSize : fullSize;
        const add = (codes: readonly DecodedCode[]) => {
          for (const code of codes) {
            if (!acceptable(code) || found.has(code.text)) continue;
            found.set(code.text, scale === 1 || !code.box ? code : { ...code, box: scaleBox(code.box, scale) });
          }
        };
        // First the place and turn that read last time (one shear and one read of that patch, ~1–2 ms):
        // a turned NW-7 held in view otherwise costs the aim attempt and the deskew's search every frame.
        if (lastTurned && lastTurned.scale === scale) {
          const { at, turned } = lastTurned;
          const result = await readTurned(image, readers[at]!, [turned]);
          add(result.codes);
          if (found.size > 0) turnedHit = lastTurned;
        }
        for (const [i, attempt] of spec.attempts.entries()) {
          const read = readers[i];
          if (!read) continue;
          if (i > 0 && measured.sharpness < SOFT_FRAME && found.size === 0 && !seen) break;
          if (found.size > 0 && !(attempt.alsoAfterRead && framesWithReads % attempt.alsoAfterRead === 0)) continue;
          const result = await runAttempt(attempt, image, read);
          seen ||= result.seen;
          add(result.codes);
          if (result.turned && result.codes.length > 0) turnedHit ??= { at: i, turned: result.turned, scale };
        }
        if (found.size > 0) break;
      }
      lastTurned = turnedHit;
      if (found.size > 0) framesWithReads++;
      const codes = [...found.values()];
      return { codes, seen: seen || codes.length > 0, quality: measured };
    },
  };
}

/** Where a turned code was straightened and read, by which attempt, in an image of which scale (2: the halved frame). */
interface TurnedHit {
  readonly at: number;
  readonly turned: TurnedRegion;
  readonly scale: number;
}

function scaleBox(box: Box, by: number): Box {
  return { x: box.x * by, y: box.y * by, width: box.width * by, height: box.height * by };
}

interface AttemptRead extends EngineRead {
  /** The straightened region that read a code (deskew attempts only). */
  readonly turned?: TurnedRegion;
}

async function runAttempt(attempt: Attempt, frame: Luma, read: (luma: Luma) => Promise<EngineRead>): Promise<AttemptRead> {
  const rect = centreRect(frame, attempt.region);
  const crop = cropLuma(frame, rect);
  const deskew = attempt.preprocess.find((p) => p.op === 'deskew');
  if (!deskew) return shift(await read(crop), (box) => ({ ...box, x: box.x + rect.x, y: box.y + rect.y }));
  // Each group of turned tiles on its own, the largest first; two at most, to stay inside the frame budget.
  const found = turnedRegions(crop, deskew)
    .slice(0, 2)
    .map((t) => ({ ...t, rect: { ...t.rect, x: t.rect.x + rect.x, y: t.rect.y + rect.y } }));
  return readTurned(frame, read, found);
}

/** Straightens each region (frame coordinates) and reads it. */
async function readTurned(frame: Luma, read: (luma: Luma) => Promise<EngineRead>, regions: readonly TurnedRegion[]): Promise<AttemptRead> {
  const codes: DecodedCode[] = [];
  let seen = false;
  let hit: TurnedRegion | undefined;
  for (const turned of regions) {
    const result = await read(shear(cropLuma(frame, turned.rect), turned.degrees));
    seen ||= result.seen;
    // A sheared image's boxes only roughly map back: the group's rectangle stands for them.
    codes.push(...result.codes.map((code) => ({ ...code, box: turned.rect })));
    if (result.codes.length > 0) hit ??= turned;
  }
  return hit ? { codes, seen, turned: hit } : { codes, seen };
}

function shift(read: EngineRead, move: (box: Box) => Box): EngineRead {
  return { seen: read.seen, codes: read.codes.map((code) => (code.box ? { ...code, box: move(code.box) } : code)) };
}
