/**
 * When the decode worker hands a frame to the OCR worker. The printed line
 * is read only in a sight where no code has been found (most tickets carry a
 * QR or NW-7, and a code is always faster and surer), only while the OCR
 * worker is free (it has its own thread: decoding is never slowed by it),
 * and only from frames sharp enough to read and among the sharpest of the
 * last few (a hand still moving gives soft frames; the next sharp one is
 * worth the wait).
 */
import type { QualityReading } from '../quality';
import { EDGES_IN_VIEW } from '../sight';

/** No code for this long: the sight has none (or none readable). */
export const NO_CODE_MS = 400;
/** Below this sharpness the frame is too soft to read a 3 mm digit (σ 2 px defocus is about 0.13). */
export const OCR_MIN_SHARPNESS = 0.15;
const RECENT = 4;

export class OcrGate {
  private lastCodeAt = -Infinity;
  private firstContentAt: number | null = null;
  private busy = false;
  private readonly recent: number[] = [];

  /** True: send this frame to the OCR worker now (and wait for done()). */
  offer(at: number, codes: number, quality: QualityReading): boolean {
    const sharpness = Number.isNaN(quality.sharpness) ? 0 : quality.sharpness;
    this.recent.push(sharpness);
    if (this.recent.length > RECENT) this.recent.shift();
    if (codes > 0) {
      this.lastCodeAt = at;
      return false;
    }
    if (quality.edges < EDGES_IN_VIEW) {
      this.firstContentAt = null;
      return false;
    }
    this.firstContentAt ??= at;
    if (this.busy || at - this.lastCodeAt < NO_CODE_MS || at - this.firstContentAt < NO_CODE_MS / 2) return false;
    if (sharpness < OCR_MIN_SHARPNESS || sharpness < 0.9 * Math.max(...this.recent)) return false;
    this.busy = true;
    return true;
  }

  done(): void {
    this.busy = false;
  }
}
