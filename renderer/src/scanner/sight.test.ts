import { describe, expect, it } from 'vitest';
import type { DecodedCode } from './decoder';
import { SightTracker, type Observation, type SightEvent } from './sight';

const A18 = '111310160000100001';
const B18 = '111310160000100002';
const qr = (text: string, x = 600, y = 200): DecodedCode => ({ text, format: 'qr', box: { x, y, width: 80, height: 80 } });
const nw7 = (ten: string, x = 560, y = 400): DecodedCode => ({ text: `A${ten}A`, format: 'codabar', box: { x, y, width: 200, height: 50 } });
const inView = { sharpness: 0.6, motion: 0, edges: 500, noise: 2 };
const empty = { sharpness: Number.NaN, motion: 0, edges: 0, noise: 2 };

/** Feeds frames 70 ms apart; returns every event with the frame it came from. */
function run(frames: readonly Partial<Observation>[]): { frame: number; event: SightEvent }[] {
  const tracker = new SightTracker();
  const out: { frame: number; event: SightEvent }[] = [];
  frames.forEach((f, i) => {
    for (const event of tracker.observe({ at: i * 70, codes: [], quality: inView, ...f })) out.push({ frame: i, event });
  });
  return out;
}
const kinds = (events: { event: SightEvent }[]) => events.map((e) => (e.event.kind === 'read' ? `read ${e.event.text}` : e.event.kind));

describe('one sight of a ticket', () => {
  it('gives a QR at once, and once while the ticket is held', () => {
    const events = run([{ codes: [qr(A18)] }, { codes: [qr(A18)] }, {}, { codes: [qr(A18)] }]);
    expect(kinds(events)).toEqual([`read ${A18}`]);
    expect(events[0]?.frame).toBe(0);
  });

  it('gives an NW-7 alone (no check digit) only when a second frame reads the same', () => {
    const events = run([{ codes: [nw7('0000100001')] }, {}, { codes: [nw7('0000100001')] }]);
    expect(kinds(events)).toEqual(['read A0000100001A']);
    expect(events[0]?.frame).toBe(2);
  });

  it('takes the QR and the NW-7 of one ticket, agreeing, as one read of the 18 digits', () => {
    expect(kinds(run([{ codes: [qr(A18), nw7('0000100001')] }, { codes: [nw7('0000100001'), qr(A18)] }]))).toEqual([`read ${A18}`]);
  });

  it('refuses a QR and an NW-7 that disagree side by side as a misread, and gives no verdict', () => {
    const both = { codes: [qr(A18), nw7('0000100004')] };
    expect(kinds(run([both, both, both, both, both, both]))).toEqual(['misread']);
  });

  it('refuses an NW-7 misread between two frames of the QR (alternating) as a misread', () => {
    const a = { codes: [qr(A18)] };
    expect(kinds(run([a, { codes: [nw7('0000400001')] }, a, a, a, a, a, a, a]))).toEqual([`read ${A18}`, 'misread']);
  });

  it('says "two tickets" for two QRs in one frame, instead of a verdict', () => {
    expect(kinds(run([{ codes: [qr(A18, 200), qr(B18, 900)] }]))).toEqual(['two-tickets']);
  });

  it('says "two tickets" for a QR and an NW-7 of different tickets far apart, read again and again', () => {
    const both = { codes: [qr(A18, 100, 100), nw7('0000100002', 1000, 600)] };
    expect(kinds(run([both, both, both, both, both, both]))).toEqual(['two-tickets']);
  });

  it('says "two tickets" rather than "misread" once the second ticket’s QR shows too', () => {
    const mixed = { codes: [qr(A18, 200), nw7('0000100002', 500)] };
    expect(kinds(run([mixed, { codes: [qr(A18, 200)] }, { codes: [qr(A18, 200), qr(B18, 900)] }]))).toEqual(['two-tickets']);
  });

  it('says "two tickets" when two tickets are read in turn', () => {
    expect(kinds(run([{ codes: [qr(A18)] }, { codes: [qr(B18)] }, { codes: [qr(A18)] }]))).toEqual([`read ${A18}`, `read ${B18}`, 'two-tickets']);
  });

  it('lets a different ticket replace the first at once when the first is no longer read', () => {
    expect(kinds(run([{ codes: [qr(A18)] }, { codes: [qr(A18)] }, { codes: [qr(B18)] }, { codes: [qr(B18)] }, { codes: [qr(B18)] }]))).toEqual([`read ${A18}`, `read ${B18}`]);
  });

  it('reads the ticket left in view once the other has gone', () => {
    const frames: Partial<Observation>[] = [{ codes: [qr(A18, 200), qr(B18, 900)] }];
    for (let i = 0; i < 25; i++) frames.push({ codes: [qr(A18, 200)] });
    expect(kinds(run(frames))).toEqual(['two-tickets', `read ${A18}`]);
  });
});

describe('the printed line (OCR)', () => {
  it('is taken only when two reads agree, and said to be from the printed line', () => {
    const events = run([{ lines: [A18] }, {}, { lines: [A18] }]);
    expect(events.map((e) => e.event)).toEqual([{ kind: 'read', text: A18, format: 'ocr', via: 'ocr', sightStartedAt: 0 }]);
  });

  it('is not taken when two reads differ (a 1 read as 4), and that is not "two tickets"', () => {
    expect(kinds(run([{ lines: [A18] }, { lines: ['111310160000400001'] }, { lines: [A18.replace('0001', '0007')] }]))).toEqual([]);
  });

  it('is taken at once when it agrees with the NW-7 read once', () => {
    expect(kinds(run([{ lines: [A18] }, { codes: [nw7('0000100001')] }]))).toEqual(['read A0000100001A']);
  });
});

describe('sights that give nothing, and packs', () => {
  it('counts a sight that showed something for seconds and gave nothing as a failed sight', () => {
    const frames: Partial<Observation>[] = [];
    for (let i = 0; i < 30; i++) frames.push({});
    for (let i = 0; i < 25; i++) frames.push({ quality: empty });
    expect(kinds(run(frames))).toEqual(['failed-sight']);
  });

  it('gives each new pack once, as before', () => {
    const pack: DecodedCode = { text: ']e00104987123456784', format: 'databar' };
    expect(kinds(run([{ codes: [pack] }, { codes: [pack] }]))).toEqual([`read ${pack.text}`]);
  });
});

describe('the printed line after a ticket was shown', () => {
  it('never shows a second, different line read twice later in the same sight', () => {
    const near = '111310160000400001';
    expect(kinds(run([{ lines: [A18] }, { lines: [A18] }, { lines: [near] }, { lines: [near] }, { lines: [near] }]))).toEqual([`read ${A18}`]);
  });
});
