/**
 * The setups the bench compares, in one run: each library's default setup
 * as its README shows it for this use, the pipeline the worker ran before
 * issue 18 (frozen in previous.ts), and the worker's pipeline today (the
 * app's own decoder, recommended.ts).
 */
import { APP_FORMATS } from './decoder';
import type { Setup } from './pipeline';
import { PREVIOUS_NAME, PREVIOUS_SUMMARY } from './previous';
import { RECOMMENDED } from '../../../renderer/src/scanner/recommended';

/**
 * zxing-wasm as its README's readBarcodes example: tryHarder, the formats
 * wanted, one symbol; everything else at the library's defaults (tryRotate,
 * tryInvert, tryDownscale on, LocalAverage binarizer). textMode Plain only
 * changes how GS1 text is written, not what is found.
 */
export const WASM_DEFAULT: Setup = {
  kind: 'pipeline',
  name: 'zxing-wasm default',
  summary: 'README setup: full frame, tryHarder, every app format, maxNumberOfSymbols 1, other options at defaults',
  spec: { name: 'zxing-wasm default', summary: '', attempts: [{ region: null, preprocess: [], options: { formats: APP_FORMATS, tryHarder: true, maxNumberOfSymbols: 1 } }] },
};

/** @zxing/library as its README: MultiFormatReader, POSSIBLE_FORMATS, HybridBinarizer over an RGBLuminanceSource; no TRY_HARDER. */
export const LIBRARY_DEFAULT: Setup = {
  kind: 'library',
  name: '@zxing/library default',
  summary: 'README setup: full frame, MultiFormatReader with POSSIBLE_FORMATS (QR, Codabar, DataMatrix, RSS-14, Code 128), HybridBinarizer',
  options: { formats: APP_FORMATS, binarizer: 'Hybrid' },
};

export const PREVIOUS: Setup = { kind: 'previous', name: PREVIOUS_NAME, summary: PREVIOUS_SUMMARY };

/** The worker's decoder for the nurse's booth (tickets and packs: every format), as the app builds it. */
export const WORKER: Setup = { kind: 'worker', name: RECOMMENDED.name, summary: RECOMMENDED.summary, purpose: 'any' };

export const DEFAULTS: readonly Setup[] = [WASM_DEFAULT, LIBRARY_DEFAULT];

/**
 * The worker's pipeline as it was before the second p95 work: every frame
 * read at full size (recommended.ts now halves noisy frames first) and the
 * full-frame attempt looking for every format (now the long or paired codes
 * only). Kept to measure that change side by side in one run; the cheaper
 * search for turned codes (preprocess.ts) is in both.
 */
const BEFORE_NAME = 'worker pipeline before the p95 work (noisy frames at full size, every format on the full frame)';
export const WORKER_BEFORE_P95: Setup = {
  kind: 'pipeline',
  name: BEFORE_NAME,
  summary: 'as the worker pipeline, but a frame in dim light read at full size like any other, and the full-frame attempt looking for every app format, as the worker did until this change',
  spec: {
    ...RECOMMENDED,
    name: BEFORE_NAME,
    halveFromNoise: undefined,
    // The aim and the turned-code attempts as today; one full-frame attempt at full size, every format.
    attempts: [
      ...RECOMMENDED.attempts.filter((attempt) => attempt.region !== null || attempt.preprocess.length > 0),
      { region: null, preprocess: [], options: { formats: APP_FORMATS, tryHarder: false, tryRotate: false, tryInvert: false, tryDownscale: false, maxNumberOfSymbols: 4, returnErrors: false }, alsoAfterRead: 8 },
    ],
  },
};

/** Everything the frame bench runs, the two defaults first. */
export const BENCH_SETUPS: readonly Setup[] = [...DEFAULTS, PREVIOUS, WORKER_BEFORE_P95, WORKER];
