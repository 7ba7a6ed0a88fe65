/**
 * The decoding pipeline the decode worker runs, as plain data (pipeline.ts
 * runs it; the decode bench measures exactly this, through the same engine
 * call). Chosen by the numbers of `npm run bench -- --only decode` (read
 * rate first, then speed, within 15 ms p95 per 720p frame).
 *
 * Why each step:
 * 1. zxing-wasm on the aim region (the middle 60 × 70 % of the frame, where a
 *    person holds the ticket): less than half the pixels of the whole frame.
 *    tryHarder finds the DataMatrix and the NW-7 the quick search misses;
 *    downscale factor 2 (instead of 3) reads noisy frames; tryRotate and
 *    tryInvert are off (tickets and labels are dark on light). Up to four
 *    symbols, and no symbols found-but-unread: with one symbol and those
 *    returned, a damaged QR (or a false detection) used up the one result
 *    and the readable NW-7 beside it was never reported (the worker read 0 of
 *    30 such frames). "Hold steady" comes from the frame's own sharpness
 *    (quality.ts) instead.
 * 2. Turned NW-7 anywhere in the frame: a code turned more than ~13° cannot
 *    be crossed by one row of pixels, and row scanning is how every 1D reader
 *    works. Tiles of the frame whose edges share one direction between 10°
 *    and 45° are grouped and each group sheared along it, Codabar only.
 *    The search looks at every eighth pixel first and at every other pixel
 *    only in the few tiles that pass (preprocess.ts): under 1 ms for most
 *    720p frames and a noisy one alike (it was 2 ms, and 8–9 ms noisy).
 * 3. The whole frame, without downscaling and without tryHarder: codes off
 *    the aim region, most often a long NW-7 running out of it. Every eighth
 *    frame that already read something runs it too, so a second ticket
 *    beside the first is seen and the desk told to show one. Its quick
 *    search (every few rows, fewer binariser retries) finds such codes, which
 *    are flat and sharp when they are readable at all; tryHarder here cost
 *    about 12 ms of a 720p frame in which nothing could be read (profiled per
 *    stage: aim ~7, deskew estimate ~3, this pass ~12 with tryHarder, ~3
 *    without) and was what put the p95 over 15 ms, for one more glare frame
 *    in the frame corpus. It looks for the codes that are long or come in
 *    pairs (QR, NW-7, GS1-128), all at full size: the compact pack codes
 *    (DataMatrix, DataBar) sit in the aim region when a nurse holds a vial
 *    up. Looking for the QR at half size would save 1.5–2.5 ms of a frame
 *    with a ticket's print, but then a second ticket's QR in view went
 *    unread (test/e2e/reading.test.ts, "two tickets in view"), as did the
 *    QR near a printed ticket's edge (test/training/sheet-decode.test.ts).
 * A turned NW-7 that step 2 read is tried first in the next frame, where it
 * was and as it was turned (pipeline.ts): a ticket held in view then costs
 * one small read instead of the aim attempt and the deskew's search.
 * A frame in dim light (sensor noise of 8 grey levels or more, quality.ts)
 * goes to the attempts at half size first, each pixel the mean of four: the
 * noise is halved and there is a quarter of the pixels. At full size such a
 * frame was the slowest of all (the library's search meets "edges"
 * everywhere: 16–19 ms for the aim attempt alone, a tenth of the corpus
 * above 15 ms) and its own downscaled pass was what read it anyway. Only
 * when the half-size read finds nothing do the attempts run at full size
 * (an NW-7 alone can lose its thin bars when halved): read rate unchanged
 * on the frame corpus, measured side by side (thresholds 6, 8, 14 alike;
 * 8 is well above a clean camera's 2–3 and below the corpus's mildest
 * noise, 10).
 * An NW-7 read must be a whole ticket number (10 or 18 digits between
 * start/stop characters): glare can make a reader return a piece of the code
 * (`B67C` for `A1309464667C` in the bench), which is dropped.
 */
import { APP_FORMATS } from './decoder';
import type { PipelineSpec } from './pipeline';

/** A whole NW-7 ticket read: start, 10 digits (or the 18 of the line), stop. */
export const NW7_SHAPE = '^[A-D](?:[0-9]{10}|[0-9]{18})[A-D]$';

/** Options shared by the attempts: every format on screen, several symbols, none found-but-unread, no 90° turns or inverted search. */
const BASE = { formats: APP_FORMATS, tryHarder: true, tryRotate: false, tryInvert: false, maxNumberOfSymbols: 4, returnErrors: false } as const;

export const RECOMMENDED: PipelineSpec = {
  name: 'worker pipeline: aim, deskew anywhere, quick full frame, several symbols',
  summary:
    'zxing-wasm: aim region 60 × 70 % (tryHarder, downscale ×2, no rotate/invert, up to 4 symbols, no errors returned); then turned NW-7 anywhere in the frame (tiles turned 10–45° alike, sheared, Codabar only); then the full frame for long or paired codes (QR, NW-7, GS1-128; quick search, no downscale), also on every 8th frame that read something; NW-7 shape check; a frame with sensor noise σ ≥ 8 read at half size first, at full size if that reads nothing',
  attempts: [
    { region: { width: 0.6, height: 0.7 }, preprocess: [], options: { ...BASE, downscaleFactor: 2 } },
    { region: null, preprocess: [{ op: 'deskew', minDegrees: 10, maxDegrees: 45, minShare: 0.35 }], options: { ...BASE, formats: ['codabar'], tryHarder: false, maxNumberOfSymbols: 2 } },
    { region: null, preprocess: [], options: { ...BASE, formats: ['qr', 'codabar', 'gs1-128'], tryHarder: false, tryDownscale: false }, alsoAfterRead: 8 },
  ],
  accept: { codabar: NW7_SHAPE },
  halveFromNoise: 8,
};
