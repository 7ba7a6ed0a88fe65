/**
 * The setups the bench compares: each library's default setup as its README
 * shows it for this use, and tuned pipelines. The recommended one lives in
 * renderer/src/scanner/recommended.ts, as data the app runs.
 */
import { APP_FORMATS } from './decoder';
import type { PipelineSpec } from './pipeline';
import { NW7_SHAPE, RECOMMENDED } from '../../../renderer/src/scanner/recommended';

/**
 * zxing-wasm as its README's readBarcodes example: tryHarder, the formats
 * wanted, one symbol; everything else at the library's defaults (tryRotate,
 * tryInvert, tryDownscale on, LocalAverage binarizer). textMode Plain only
 * changes how GS1 text is written (see wasmReaderOptions), not what is found.
 */
export const WASM_DEFAULT: PipelineSpec = {
  name: 'zxing-wasm default',
  summary: 'README setup: full frame, tryHarder, formats QR/Codabar/DataMatrix, maxNumberOfSymbols 1, other options at defaults',
  attempts: [{ engine: 'zxing-wasm', region: null, preprocess: [], options: { formats: APP_FORMATS, tryHarder: true, maxNumberOfSymbols: 1 } }],
};

/** @zxing/library as its README: MultiFormatReader, POSSIBLE_FORMATS, HybridBinarizer over an RGBLuminanceSource; no TRY_HARDER. */
export const LIBRARY_DEFAULT: PipelineSpec = {
  name: '@zxing/library default',
  summary: 'README setup: full frame, MultiFormatReader with POSSIBLE_FORMATS QR/Codabar/DataMatrix, HybridBinarizer',
  attempts: [{ engine: 'zxing-library', region: null, preprocess: [], options: { formats: APP_FORMATS, binarizer: 'Hybrid' } }],
};

export const DEFAULTS: readonly PipelineSpec[] = [WASM_DEFAULT, LIBRARY_DEFAULT];

/** zxing-wasm with the options tuned and nothing else: full frame, downscale by 2, no tryRotate/tryInvert (a ticket is never white on black, and a turned 1D code is not helped by 90° turns). */
export const WASM_TUNED_FULL: PipelineSpec = {
  name: 'zxing-wasm tuned, full frame',
  summary: 'one attempt: full frame, tryHarder, tryDownscale with factor 2, tryRotate and tryInvert off, NW-7 shape check',
  attempts: [
    {
      engine: 'zxing-wasm',
      region: null,
      preprocess: [],
      options: { formats: APP_FORMATS, tryHarder: true, tryRotate: false, tryInvert: false, downscaleFactor: 2, maxNumberOfSymbols: 1 },
    },
  ],
  accept: { codabar: NW7_SHAPE },
};

/** The recommended pipeline with a cheaper last step: a larger aim region first, and only Codabar (quick search) on the whole frame. */
export const WASM_AIM_NW7_FULL: PipelineSpec = {
  name: 'zxing-wasm aim, deskew, NW-7 full frame',
  summary:
    'aim region 70 × 80 % (tryHarder, downscale ×2, no rotate/invert), then the NW-7 deskew of the recommended pipeline, then the full frame for Codabar only without tryHarder; NW-7 shape check',
  attempts: [
    { engine: 'zxing-wasm', region: { width: 0.7, height: 0.8 }, preprocess: [], options: { formats: APP_FORMATS, tryHarder: true, tryRotate: false, tryInvert: false, downscaleFactor: 2, maxNumberOfSymbols: 1 } },
    RECOMMENDED.attempts[1]!,
    { engine: 'zxing-wasm', region: null, preprocess: [], options: { formats: ['codabar'], tryHarder: false, tryRotate: false, tryInvert: false, maxNumberOfSymbols: 1 } },
  ],
  accept: { codabar: NW7_SHAPE },
};

/** The second library only when the first fails: @zxing/library reads a few creased codes zxing-wasm does not. */
export const WASM_THEN_LIBRARY: PipelineSpec = {
  name: 'zxing-wasm, then @zxing/library',
  summary: 'the tuned full-frame zxing-wasm attempt, then @zxing/library (HybridBinarizer) on the aim region 60 × 70 % when it read nothing; NW-7 shape check',
  attempts: [WASM_TUNED_FULL.attempts[0]!, { engine: 'zxing-library', region: { width: 0.6, height: 0.7 }, preprocess: [], options: { formats: APP_FORMATS, binarizer: 'Hybrid' } }],
  accept: { codabar: NW7_SHAPE },
};

/** The best @zxing/library found here: the aim region (its Codabar reader needs a row with nothing but the code) and TRY_HARDER. */
export const LIBRARY_TUNED: PipelineSpec = {
  name: '@zxing/library tuned',
  summary: 'aim region 60 × 70 %, TRY_HARDER, HybridBinarizer, NW-7 shape check',
  attempts: [{ engine: 'zxing-library', region: { width: 0.6, height: 0.7 }, preprocess: [], options: { formats: APP_FORMATS, tryHarder: true, binarizer: 'Hybrid' } }],
  accept: { codabar: NW7_SHAPE },
};

/** Everything the bench runs, the two defaults first. */
export const BENCH_SETUPS: readonly PipelineSpec[] = [...DEFAULTS, RECOMMENDED, WASM_TUNED_FULL, WASM_AIM_NW7_FULL, WASM_THEN_LIBRARY, LIBRARY_TUNED];
