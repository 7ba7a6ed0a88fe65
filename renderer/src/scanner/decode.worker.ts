/**
 * The decode worker: camera frames in, barcode contents out. Decoding never
 * runs on the page's thread, so the screen stays smooth while the camera is
 * on. What the codes mean is decided on the page by src/ticket and src/gs1,
 * and what one sight of a ticket amounts to by sight.ts.
 *
 * Frames come as the camera track's stream of VideoFrames, read here one
 * after another (each copied out as its luminance and closed before
 * decoding; the processor keeps only the newest while a decode runs), or,
 * where the browser has no MediaStreamTrackProcessor, as ImageBitmaps the
 * page reads back. See video-frames.ts for why the stream is preferred.
 *
 * Each frame's result carries its sharpness and motion (quality.ts), so the
 * page can ask to hold steady. A frame of a sight with no code in it may
 * also go to the OCR worker (ocr/gate.ts), whose lines come back here and
 * are passed on.
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { Decoder } from './decoder';
import { createDecoder } from './decoders';
import type { FrameDecoder } from './decoders/zxing-wasm';
import { OcrGate } from './ocr/gate';
import type { QualityReading } from './quality';
import { FrameQuality } from './quality';
import { luminance, type Luma } from './preprocess';
import type { FromOcr, FromWorker, ToOcr, ToWorker } from './protocol';
import { framePixels } from './video-frames';

/** Frames wider than this are scaled down before decoding (tickets fill much of the view). */
const MAX_DECODE_WIDTH = 1280;

let decoder: Promise<Decoder> | null = null;
let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;
/** The stream being read; a new camera session replaces it. */
let current: ReadableStreamDefaultReader<VideoFrame> | null = null;
const scratch: { buffer: Uint8Array | null } = { buffer: null };
let ocr: MessagePort | null = null;
const gate = new OcrGate();
/** Quality for an engine that does not measure it (the @zxing/library fallback). */
const quality = new FrameQuality();

function post(message: FromWorker): void {
  self.postMessage(message);
}

function bitmapPixels(bitmap: ImageBitmap): Luma {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!context) throw new Error('no 2d context in the worker');
  context.drawImage(bitmap, 0, 0);
  return luminance(context.getImageData(0, 0, bitmap.width, bitmap.height));
}

function isFrameDecoder(engine: Decoder): engine is FrameDecoder {
  return 'decodeFrame' in engine;
}

/** Decodes one frame (`pixels` copies it out and frees it) and reports, whatever happens. */
async function decodeOne(id: number, pixels: () => Promise<Luma>): Promise<void> {
  const started = performance.now();
  const frameAt = performance.timeOrigin + started;
  const none: QualityReading = { sharpness: Number.NaN, motion: 0, edges: 0, noise: 0 };
  try {
    const engine = await decoder;
    if (!engine) throw new Error('decoder not initialised');
    const frame = await pixels();
    const read = isFrameDecoder(engine) ? await engine.decodeFrame(frame) : { ...(await engine.decode(frame)), quality: quality.measure(frame) };
    post({ type: 'result', id, codes: read.codes, seen: read.seen, quality: read.quality, decodeMs: performance.now() - started, frameAt });
    if (ocr && gate.offer(started, read.codes.length, read.quality)) {
      // The frame's own pixels are handed over (transferred): this worker is done with them.
      const { data } = frame;
      ocr.postMessage({ type: 'read', id, frameAt, width: frame.width, height: frame.height, data } satisfies ToOcr, [data.buffer]);
    }
  } catch {
    post({ type: 'result', id, codes: [], seen: false, quality: none, decodeMs: performance.now() - started, frameAt });
  }
}

async function readStream(id: number, frames: ReadableStream<VideoFrame>): Promise<void> {
  if (current) void current.cancel().catch(() => undefined);
  const reader = frames.getReader();
  current = reader;
  try {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done) break;
      if (current !== reader) {
        frame.close();
        break;
      }
      await decodeOne(id, async () => {
        try {
          return await framePixels(frame, MAX_DECODE_WIDTH, scratch);
        } finally {
          frame.close();
        }
      });
    }
  } catch {
    // The track stopped or the page cancelled: this camera session is over.
  } finally {
    if (current === reader) current = null;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'init') {
    decoder = createDecoder(message.engine, { wasmUrl }, message.purpose);
    decoder.then(
      () => post({ type: 'ready', engine: message.engine }),
      (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === 'ocr-port') {
    ocr = message.port;
    ocr.onmessage = (reply: MessageEvent<FromOcr>) => {
      gate.done();
      const { id, frameAt, lines, ocrMs } = reply.data;
      post({ type: 'ocr', id, frameAt, lines, ocrMs });
    };
  } else if (message.type === 'stream') {
    void readStream(message.id, message.frames);
  } else if (message.type === 'frame') {
    const { bitmap } = message;
    void decodeOne(message.id, async () => {
      try {
        return bitmapPixels(bitmap);
      } finally {
        bitmap.close();
      }
    });
  }
};
