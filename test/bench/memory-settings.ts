// The memory bench's pace and targets (memory.ts).
export const RENDERER_TARGET_MB = 150;
/** One scan per 5 s of venue time. */
export const SCAN_EVERY_MS = 5_000;
/** Scans before the hour starts (not counted): the first of each kind compiles and caches what every later one reuses. */
export const WARM_UP_SCANS = 20;
/** A quiet spell half-way through, longer than the 5-minute idle lock. */
export const LULL_MS = 6 * 60_000;
export const PLAIN_SAMPLE_EVERY = 10;
export const GC_SAMPLE_EVERY = 60;
/**
 * "No growth": the heap after a full GC at the end of the hour is within
 * this of the heap after a full GC at its start. 1 MB over 720 scans is about
 * 1.4 KB a scan: keeping one card's person and verdict per scan would exceed
 * it; an hour's worth of a few hundred bytes per scan (a log line, a
 * performance mark) would not, so the slope is reported beside it.
 */
export const GROWTH_TOLERANCE_MB = 1;
/** How long the control pages run side by side. */
export const CONTROL_SECONDS = 20;

