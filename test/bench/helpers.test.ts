/**
 * The pure parts of the reading and memory benches (the benches themselves
 * drive Chromium for minutes and are not part of npm test).
 */
import { describe, expect, it } from 'vitest';
import { parseTicketCode } from '../../src/ticket';
import { DEMO_MUNICIPALITY } from '../fixtures/demo';
import { loadE2eKit } from './e2e-kit';
import { parseStatus, slope } from './proc-memory';
import { abbaOrder } from './reading';
import { planScans } from './scan-plan';

describe('parseStatus', () => {
  it('reads RSS, its high-water mark and the parts, in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nRssAnon:\t   51200 kB\nRssFile:\t   40960 kB\nRssShmem:\t   10240 kB\n';
    expect(parseStatus(status)).toEqual({ rss: 100 * 2 ** 20, hwm: 200 * 2 ** 20, anon: 50 * 2 ** 20, file: 40 * 2 ** 20, shmem: 10 * 2 ** 20 });
  });
});

describe('slope', () => {
  it('fits a straight line', () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })))).toBeCloseTo(2);
  });
  it('is NaN without two distinct x', () => {
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
    expect(slope([{ x: 1, y: 1 }, { x: 1, y: 2 }])).toBeNaN();
  });
});

describe('abbaOrder', () => {
  it('alternates pairs so each side goes first as often', () => {
    expect(abbaOrder(3).join('')).toBe('ABBAAB');
    expect(abbaOrder(6).join('')).toBe('ABBAABBAABBA');
  });
});

describe('planScans', () => {
  const plan = planScans(720, { firstTicket: 2, unknownFrom: 1_000_001, offset: 20 });
  const count = (expect: string) => plan.filter((s) => s.expect === expect).length;

  it('mixes admits, check-ins, refusals and camera reads', () => {
    expect(plan).toHaveLength(720);
    expect(plan.filter((s) => s.kind === 'camera')).toHaveLength(12);
    expect(count('OK')).toBeGreaterThan(360);
    for (const code of ['UNKNOWN_TICKET', 'ALREADY_CHECKED_IN', 'OTHER_MUNICIPALITY', 'READ_ERROR']) expect(count(code)).toBeGreaterThan(50);
    expect(plan.filter((s) => s.checkIn).length).toBeGreaterThan(300);
  });

  it('admits each roster ticket once, and rescans only one already checked in', () => {
    // The ticket number: the last 10 of the 18 digits, or what is between NW-7's start and stop characters.
    const numberOf = (text: string) => (/^[A-D]/.test(text) ? text.slice(1, -1) : text.slice(-10));
    const admitted = plan.filter((s) => s.kind === 'handheld' && s.expect === 'OK').map((s) => numberOf(s.text));
    expect(new Set(admitted).size).toBe(admitted.length);
    const checkedIn = new Set(plan.filter((s) => s.checkIn).map((s) => numberOf(s.text)));
    for (const s of plan.filter((s) => s.expect === 'ALREADY_CHECKED_IN')) expect(checkedIn.has(numberOf(s.text))).toBe(true);
  });

  it('types what the page parses as planned: tickets, NW-7 numbers, and the misread it refuses', () => {
    for (const step of plan.filter((s) => s.kind === 'handheld')) {
      const parsed = parseTicketCode(step.text, { defaultMunicipality: DEMO_MUNICIPALITY });
      expect(parsed.ok).toBe(step.expect !== 'READ_ERROR');
    }
  });
});

describe('the end-to-end kit', () => {
  it('loads, with the functions the benches call', async () => {
    const kit = await loadE2eKit();
    for (const name of ['launchChromium', 'openDesk', 'signIn', 'handheldScan', 'nextVerdict'] as const) expect(typeof kit[name]).toBe('function');
  });
});
