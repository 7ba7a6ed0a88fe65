/**
 * Time from the first camera frame to the verdict on screen, measured by the
 * app itself in real Chromium and printed (median and p95 over 24 scans).
 *
 * Each scan restarts the camera with the ticket already in view, as when a
 * ticket is held up to a desk whose camera just came on. The app marks the
 * first frame of the new camera session (the earlier of the video presenting
 * it, requestVideoFrameCallback, and the decode worker taking it from the
 * camera track) and measures to just after the frame that paints the card (a
 * task posted from requestAnimationFrame). In between: the frame copied out
 * in the decode worker, decoding, parseTicketCode on the page,
 * the scanTicket call over the host's WebSocket and the core's verdict, and
 * React's render. getUserMedia's own start-up is not included.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk } from './support/browser';
import { nextVerdict, signIn } from './support/desk';
import { startTestHost, type TestHost } from './support/host';
import { ticketQr, writeY4m } from './support/video';

const SCANS = 24;

let host: TestHost;
let browser: Browser;
let page: Page;
let videos: string;

/** Nearest-rank percentile. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

beforeAll(async () => {
  videos = mkdtempSync(join(tmpdir(), 'venue-video-'));
  writeY4m(join(videos, 'qr.y4m'), [{ picture: ticketQr(ticketLine(T.ok)), frames: 1 }]);
  host = await startTestHost();
  browser = await launchChromium({ video: join(videos, 'qr.y4m') });
  ({ page } = await openDesk(browser, host.url));
  await signIn(page, 'reception');
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  rmSync(videos, { recursive: true, force: true });
});

async function measureFor(seq: number): Promise<number | null> {
  return page.evaluate((s) => {
    const entry = performance
      .getEntriesByName('venue:first-frame-to-verdict', 'measure')
      .find((m) => (m as PerformanceMeasure).detail?.seq === s);
    return entry ? entry.duration : null;
  }, seq);
}

describe('first camera frame → verdict on screen', () => {
  it(`is measured over ${SCANS} QR scans and printed`, async () => {
    // The first read also loads the decoder; it is reported but not counted.
    const warmUp = await nextVerdict(page, 0, 20_000);
    expect(warmUp.code).toBe('OK');
    await expect.poll(() => measureFor(warmUp.seq)).not.toBeNull();
    const warmUpMs = (await measureFor(warmUp.seq)) ?? Number.NaN;

    const durations: number[] = [];
    let seq = warmUp.seq;
    for (let i = 0; i < SCANS; i++) {
      await page.getByTestId('camera-restart').click();
      const card = await nextVerdict(page, seq, 15_000);
      expect(card.code).toBe('OK');
      seq = card.seq;
      await expect.poll(() => measureFor(seq)).not.toBeNull();
      durations.push((await measureFor(seq)) ?? Number.NaN);
    }

    const sorted = [...durations].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    const summary = {
      scans: sorted.length,
      medianMs: Math.round(median),
      p95Ms: Math.round(p95),
      minMs: Math.round(sorted[0] ?? Number.NaN),
      maxMs: Math.round(sorted[sorted.length - 1] ?? Number.NaN),
      warmUpMs: Math.round(warmUpMs),
      video: '640x480 Y4M, QR of the 18-digit line',
      decoder: 'zxing-wasm in a Web Worker',
    };
    console.log(
      `[latency] first camera frame → verdict on screen, ${summary.scans} QR scans: median ${summary.medianMs} ms, p95 ${summary.p95Ms} ms ` +
        `(min ${summary.minMs}, max ${summary.maxMs}; first scan with decoder start-up ${summary.warmUpMs} ms)`,
    );
    const out = resolve(import.meta.dirname, '../../test-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'latency.json'), `${JSON.stringify({ ...summary, samplesMs: durations.map(Math.round) }, null, 2)}\n`);

    expect(sorted.length).toBeGreaterThanOrEqual(20);
    expect(sorted.every((d) => Number.isFinite(d) && d > 0)).toBe(true);
    // A person must see the answer before they look up from the ticket.
    expect(median).toBeLessThan(1_000);
    expect(p95).toBeLessThan(2_000);
  });
});
