import { describe, expect, it } from 'vitest';
import { ABSENCE_MS, PresentationTracker } from './presentation';

describe('one result per ticket presentation', () => {
  it('emits a ticket held in view once, across every frame', () => {
    const tracker = new PresentationTracker();
    const emitted = [];
    for (let t = 0; t < 5_000; t += 66) emitted.push(...tracker.observe(['A'], t));
    expect(emitted).toEqual(['A']);
  });

  it('rides over unreadable frames shorter than the absence time', () => {
    const tracker = new PresentationTracker();
    expect(tracker.observe(['A'], 0)).toEqual(['A']);
    expect(tracker.observe([], 300)).toEqual([]);
    expect(tracker.observe([], ABSENCE_MS - 100)).toEqual([]);
    expect(tracker.observe(['A'], ABSENCE_MS)).toEqual([]);
  });

  it('emits the same ticket again once it was taken away and shown again', () => {
    const tracker = new PresentationTracker();
    tracker.observe(['A'], 0);
    for (let t = 66; t <= ABSENCE_MS + 200; t += 66) tracker.observe([], t);
    expect(tracker.observe(['A'], ABSENCE_MS + 300)).toEqual(['A']);
  });

  it('does not take a stalled camera (no frames at all) for the ticket being taken away', () => {
    const tracker = new PresentationTracker();
    tracker.observe(['A'], 0);
    tracker.observe([], 100);
    // Three seconds without a decoded frame, then the same ticket, still there.
    expect(tracker.observe(['A'], 3_100)).toEqual([]);
  });

  it('emits a different ticket at once, even while the first is still in view', () => {
    const tracker = new PresentationTracker();
    tracker.observe(['A'], 0);
    expect(tracker.observe(['B'], 66)).toEqual(['B']);
    expect(tracker.observe(['A', 'B'], 132)).toEqual([]);
  });

  it('starts afresh after a camera restart', () => {
    const tracker = new PresentationTracker();
    tracker.observe(['A'], 0);
    tracker.reset();
    expect(tracker.observe(['A'], 10)).toEqual(['A']);
  });
});
