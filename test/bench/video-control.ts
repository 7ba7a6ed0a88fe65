/**
 * A control for the memory bench, with none of the app's code: the same
 * Chromium and the same fake camera, a page of a few lines that only plays
 * the camera in a <video>, one that also reads every frame back the common
 * way (createImageBitmap(video), then close() at once), and one that reads
 * every frame the way the app's decode worker does (the track's VideoFrames
 * from a MediaStreamTrackProcessor, copied out, closed at once). All three
 * side by side for the same time: if the renderer's shared memory grows with
 * one way of reading frames and not with the others, that growth is
 * Chromium's, and the app's choice of the other is what keeps it away.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { E2eKit } from './e2e-kit';
import { pageRendererPid, procMemory, toMb } from './proc-memory';

/** Plain JavaScript for the page; `?readback` reads frames back with createImageBitmap, `?stream` as VideoFrames. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>camera control</title><video id="v" muted playsinline autoplay></video>
<script>
  const readback = location.search.includes('readback');
  const streamed = location.search.includes('stream');
  window.framesSeen = 0;
  (async () => {
    const video = document.getElementById('v');
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    video.srcObject = stream;
    await video.play();
    if (streamed) {
      const reader = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0], maxBufferSize: 1 }).readable.getReader();
      let buffer = new Uint8Array(0);
      for (;;) {
        const { value: frame } = await reader.read();
        window.framesSeen += 1;
        if (buffer.byteLength < frame.allocationSize()) buffer = new Uint8Array(frame.allocationSize());
        await frame.copyTo(buffer);
        frame.close();
      }
    }
    const onFrame = async () => {
      window.framesSeen += 1;
      if (readback) (await createImageBitmap(video)).close();
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  })();
</script>`;

export interface ControlSide {
  readonly startRssMb: number;
  readonly endRssMb: number;
  readonly startShmemMb: number;
  readonly endShmemMb: number;
}

export interface VideoControlResult {
  readonly seconds: number;
  /** The camera playing only. */
  readonly play: ControlSide;
  /** The camera playing, every frame read back (createImageBitmap) and closed. */
  readonly readback: ControlSide;
  /** The camera playing, every frame taken from the track as a VideoFrame, copied out and closed: what the app does. */
  readonly stream: ControlSide;
}

async function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(PAGE);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

interface Running {
  readonly browser: Browser;
  readonly pid: number;
}

async function open(kit: E2eKit, video: string, url: string): Promise<Running> {
  const browser = await kit.launchChromium({ video });
  const { page } = await kit.openDesk(browser, url);
  await page.waitForFunction(() => (globalThis as unknown as { framesSeen: number }).framesSeen > 3, undefined, { timeout: 30_000 });
  return { browser, pid: (await pageRendererPid(browser, page)).pid };
}

/** The three pages for `seconds`, their renderers' RSS and shared memory at the start and the end. */
export async function videoControl(kit: E2eKit, video: string, seconds: number): Promise<VideoControlResult> {
  const { server, url } = await serve();
  const running: Running[] = [];
  try {
    running.push(await open(kit, video, url), await open(kit, video, `${url}?readback`), await open(kit, video, `${url}?stream`));
    const start = running.map((r) => procMemory(r.pid));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const end = running.map((r) => procMemory(r.pid));
    const side = (i: number): ControlSide => ({
      startRssMb: toMb(start[i]?.rss ?? Number.NaN),
      endRssMb: toMb(end[i]?.rss ?? Number.NaN),
      startShmemMb: toMb(start[i]?.shmem ?? Number.NaN),
      endShmemMb: toMb(end[i]?.shmem ?? Number.NaN),
    });
    return { seconds, play: side(0), readback: side(1), stream: side(2) };
  } finally {
    for (const r of running) await r.browser.close();
    server.close();
  }
}
