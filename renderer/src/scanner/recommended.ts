/**
 * The decoder pipeline the decode bench recommends, as plain data the app can
 * adopt in its decode worker: which library, with which options, on which
 * part of the frame, after which preprocessing, in which order; the first
 * attempt that reads something ends the frame. Chosen by the numbers of
 * `npm run bench -- --only decode` (read rate first, then speed, within
 * 15 ms p95 per 720p frame; the bench says so when a run disagrees).
 *
 * Why each step:
 * 1. zxing-wasm on the aim region (the middle 60 × 70 % of the frame, where a
 *    person holds the ticket): less than half the pixels of the whole frame,
 *    so the usual frame costs less than half. tryHarder finds the DataMatrix
 *    and the NW-7 that the quick search misses; tryDownscale with factor 2
 *    (instead of 3) reads noisy frames; tryRotate and tryInvert are off
 *    (tickets and labels are dark on light, and 90° turns do not help a code
 *    turned 20–30°) — they cost a third of the default's time for no read.
 * 2. An NW-7 turned more than ~13° cannot be crossed by one row of pixels
 *    (its bars are short for its length), and row scanning is how every 1D
 *    reader works. When the aim region has one dominant edge direction
 *    between 10° and 45°, it is sheared along it and read for Codabar only.
 *    Otherwise the step costs only the direction estimate (about 1 ms).
 * 3. The whole frame, tryHarder without downscaling: codes off the aim
 *    region, most often a long NW-7 running out of it.
 * An NW-7 read must be a whole ticket number (10 or 18 digits between
 * start/stop characters): glare can make a reader return a piece of the code
 * (`B67C` for `A1309464667C` in the bench), which is dropped so the next step,
 * or the next frame, reads it whole.
 */
import { APP_FORMATS } from './decoder';
import type { PipelineSpec } from './pipeline';

/** A whole NW-7 ticket read: start, 10 digits (or the 18 of the line), stop. */
export const NW7_SHAPE = '^[A-D](?:[0-9]{10}|[0-9]{18})[A-D]$';

/** Options shared by the attempts: the three formats on screen, one symbol, no 90° turns or inverted search. */
const BASE = { formats: APP_FORMATS, tryHarder: true, tryRotate: false, tryInvert: false, maxNumberOfSymbols: 1 } as const;

export const RECOMMENDED: PipelineSpec = {
  name: 'recommended: zxing-wasm aim, deskew, full frame',
  summary:
    'zxing-wasm: aim region 60 × 70 % (tryHarder, downscale ×2, no rotate/invert); then, when an edge direction of 10–45° dominates that region, a shear along it and Codabar only; then the full frame (tryHarder, no downscale); NW-7 shape check',
  attempts: [
    { engine: 'zxing-wasm', region: { width: 0.6, height: 0.7 }, preprocess: [], options: { ...BASE, downscaleFactor: 2 } },
    {
      engine: 'zxing-wasm',
      region: { width: 0.6, height: 0.7 },
      preprocess: [{ op: 'deskew', minDegrees: 10, maxDegrees: 45, minShare: 0.35 }],
      options: { ...BASE, formats: ['codabar'], tryHarder: false },
    },
    { engine: 'zxing-wasm', region: null, preprocess: [], options: { ...BASE, tryDownscale: false } },
  ],
  accept: { codabar: NW7_SHAPE },
};
