import { describe, expect, it } from 'vitest';
import { NO_CODE_MS, OCR_MIN_SHARPNESS, OcrGate } from './gate';

const view = (sharpness: number) => ({ sharpness, motion: 0, edges: 500, noise: 0 });

describe('when a frame goes to the OCR', () => {
  it('only in a sight with no code for a while, one frame at a time', () => {
    const gate = new OcrGate();
    expect(gate.offer(0, 1, view(0.6))).toBe(false);
    expect(gate.offer(NO_CODE_MS / 2, 0, view(0.6))).toBe(false);
    expect(gate.offer(NO_CODE_MS + 10, 0, view(0.6))).toBe(true);
    // Busy until the OCR answers.
    expect(gate.offer(NO_CODE_MS + 50, 0, view(0.6))).toBe(false);
    gate.done();
    expect(gate.offer(NO_CODE_MS + 90, 0, view(0.6))).toBe(true);
  });

  it('never from an empty desk, a frame too soft, or one much softer than the frames just before', () => {
    const gate = new OcrGate();
    expect(gate.offer(1_000, 0, { sharpness: 0.6, motion: 0, edges: 0, noise: 0 })).toBe(false);
    for (let t = 0; t < 600; t += 33) gate.offer(t, 0, view(OCR_MIN_SHARPNESS / 2));
    expect(gate.offer(640, 0, view(OCR_MIN_SHARPNESS / 2))).toBe(false);
    gate.offer(700, 0, view(0.6));
    gate.done();
    expect(gate.offer(733, 0, view(0.3))).toBe(false);
    expect(gate.offer(766, 0, view(0.62))).toBe(true);
  });
});
