import { describe, expect, it } from 'vitest';
import { BurstDetector, calibrateBurst, type KeyStroke } from './handheld';

/** Feeds keys `gap` ms apart, then Enter; returns what the detector made of the Enter. */
function feed(detector: BurstDetector, text: string, gap: number, start = 1_000, terminator = 'Enter') {
  let time = start;
  const steps = [];
  for (const key of text) {
    steps.push(detector.step({ key, time }));
    time += gap;
  }
  const end = detector.step({ key: terminator, time });
  return { steps, end, time };
}

describe('telling a handheld scanner from typing', () => {
  it('takes a fast burst ending in Enter as a scan', () => {
    const { end, steps } = feed(new BurstDetector(), '111310160000100001', 4);
    expect(end).toEqual({ kind: 'scan', text: '111310160000100001' });
    expect(steps[0]).toEqual({ kind: 'key', startsBurst: true });
    expect(steps.slice(1).every((s) => s.kind === 'key' && !s.startsBurst)).toBe(true);
  });

  it('takes Tab as the end of a scan too', () => {
    expect(feed(new BurstDetector(), 'A0000100003A', 3, 0, 'Tab').end).toEqual({ kind: 'scan', text: 'A0000100003A' });
  });

  it('never takes a person typing for a scan, however many digits', () => {
    expect(feed(new BurstDetector(), '111310160000100001', 120).end).toEqual({ kind: 'key', startsBurst: false });
    // A quick typist: 70 ms apart.
    expect(feed(new BurstDetector(), '111310160000100001', 70).end.kind).toBe('key');
  });

  it('does not take a short burst (a rolled key pair) for a scan', () => {
    expect(feed(new BurstDetector(), '1234', 5).end.kind).toBe('key');
  });

  it('breaks a burst at a pause: only the fast tail would count, and it is too short', () => {
    const detector = new BurstDetector();
    let time = 0;
    for (const key of '11131016') detector.step({ key, time: (time += 5) });
    time += 400;
    for (const key of '000') detector.step({ key, time: (time += 5) });
    expect(detector.step({ key: 'Enter', time: time + 5 }).kind).toBe('key');
  });

  it('ignores Shift between the characters (scanners press it for capitals)', () => {
    const detector = new BurstDetector();
    const keys: KeyStroke[] = [];
    let time = 0;
    for (const ch of 'A0000100003A') {
      if (ch === 'A') keys.push({ key: 'Shift', time: (time += 2) });
      keys.push({ key: ch, time: (time += 2) });
    }
    for (const k of keys) detector.step(k);
    expect(detector.step({ key: 'Enter', time: time + 3 })).toEqual({ kind: 'scan', text: 'A0000100003A' });
  });

  it('turns Ctrl+] into GS, the separator of GS1 fields', () => {
    const detector = new BurstDetector();
    let time = 0;
    for (const ch of ']d2010498712345678410FA1234') detector.step({ key: ch, time: (time += 3) });
    detector.step({ key: ']', ctrlKey: true, time: (time += 3) });
    for (const ch of '17271231') detector.step({ key: ch, time: (time += 3) });
    expect(detector.step({ key: 'Enter', time: time + 3 })).toEqual({ kind: 'scan', text: ']d2010498712345678410FA1234\u001d17271231' });
  });

  it('does not take an Enter long after a burst as the end of it', () => {
    const detector = new BurstDetector();
    let time = 0;
    for (const ch of '111310160000100001') detector.step({ key: ch, time: (time += 4) });
    expect(detector.step({ key: 'Enter', time: time + 500 }).kind).toBe('key');
  });

  it('starts afresh after each scan', () => {
    const detector = new BurstDetector();
    const first = feed(detector, '111310160000100001', 3, 0);
    const second = feed(detector, '111310160000100002', 3, first.time + 2);
    expect(second.end).toEqual({ kind: 'scan', text: '111310160000100002' });
  });
});

/** Keys at the given gaps (ms) between them, then Enter after `last`; seeded where random. */
function feedGaps(detector: BurstDetector, text: string, gaps: readonly number[], last = 20) {
  let time = 5_000;
  const steps = [];
  for (const [i, key] of [...text].entries()) {
    steps.push(detector.step({ key, time }));
    time += gaps[i % gaps.length]!;
  }
  return { steps, end: detector.step({ key: 'Enter', time: time - gaps[(text.length - 1) % gaps.length]! + last }) };
}

describe('Bluetooth scanners and their uneven timing', () => {
  it('takes keys 10–40 ms apart as one scan (seed printed)', () => {
    const seed = 18;
    console.log(`handheld timing seed ${seed}`);
    let s = seed;
    const gaps = Array.from({ length: 17 }, () => 10 + ((s = (s * 1_103_515_245 + 12_345) & 0x7fffffff) % 31));
    expect(feedGaps(new BurstDetector(), '111310160000100001', gaps).end).toEqual({ kind: 'scan', text: '111310160000100001' });
  });

  it('takes a scan sent in uneven clumps (three keys at once, then 90 ms) as one read, not an error plus stray digits', () => {
    const { steps, end } = feedGaps(new BurstDetector(), '111310160000100001', [1, 1, 90]);
    expect(end).toEqual({ kind: 'scan', text: '111310160000100001' });
    // One burst from its first key: a field it typed into is put back from there.
    expect(steps.filter((step) => step.kind === 'key' && step.startsBurst)).toHaveLength(1);
  });

  it('still never takes steady human typing for a scan', () => {
    expect(feedGaps(new BurstDetector(), '111310160000100001', [90, 110, 130]).end.kind).toBe('key');
  });

  it('uses the gap a test scan measured at this desk', () => {
    const slow = [2, 2, 2, 2, 220];
    expect(feedGaps(new BurstDetector(), '111310160000100001', slow).end.kind).toBe('key');
    const measured = calibrateBurst([{ key: '1', time: 0 }, ...'11310160000100001'.split('').map((key, i) => ({ key, time: 8 * (i + 1) + 220 * Math.floor((i + 1) / 5) }))]);
    expect(measured.splitGapMs).toBeGreaterThanOrEqual(220);
    expect(feedGaps(new BurstDetector(measured), '111310160000100001', slow).end).toEqual({ kind: 'scan', text: '111310160000100001' });
  });

  it('never lets a test scan widen the gap so far that typing would pass', () => {
    const typed = calibrateBurst('1113101600'.split('').map((key, i) => ({ key, time: i * 150 })));
    expect(typed.maxGapMs).toBeLessThanOrEqual(60);
    expect(feedGaps(new BurstDetector(typed), '111310160000100001', [150]).end.kind).toBe('key');
  });
});
