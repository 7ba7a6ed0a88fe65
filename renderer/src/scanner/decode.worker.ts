/**
 * The decode worker: camera frames in, barcode contents out. Decoding never
 * runs on the page's thread, so the screen stays smooth while the camera is
 * on. What the codes mean is decided on the page by src/ticket and src/gs1.
 *
 * Frames come as the camera track's stream of VideoFrames, read here one
 * after another (each copied out and closed before decoding; the processor
 * keeps only the newest while a decode runs), or, where the browser has no
 * MediaStreamTrackProcessor, as ImageBitmaps the page reads back. See
 * video-frames.ts for why the stream is preferred.
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { Decoder, Frame } from './decoder';
import { createDecoder } from './decoders';
import type { FromWorker, ToWorker } from './protocol';
import { framePixels } from './video-frames';

/** Frames wider than this are scaled down before decoding (tickets fill much of the view). */
const MAX_DECODE_WIDTH = 1280;

let decoder: Promise<Decoder> | null = null;
let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;
/** The stream being read; a new camera session replaces it. */
let current: ReadableStreamDefaultReader<VideoFrame> | null = null;
const scratch: { buffer: Uint8Array | null } = { buffer: null };

function post(message: FromWorker): void {
  self.postMessage(message);
}

function bitmapPixels(bitmap: ImageBitmap): ImageData {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!context) throw new Error('no 2d context in the worker');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

/** Decodes one frame's pixels (`pixels` copies them out and frees the frame) and reports, whatever happens. */
async function decodeOne(id: number, pixels: () => Promise<Frame>): Promise<void> {
  const started = performance.now();
  const frameAt = performance.timeOrigin + started;
  try {
    const engine = await decoder;
    if (!engine) throw new Error('decoder not initialised');
    const { codes, seen } = await engine.decode(await pixels());
    post({ type: 'result', id, codes, seen, decodeMs: performance.now() - started, frameAt });
  } catch {
    post({ type: 'result', id, codes: [], seen: false, decodeMs: performance.now() - started, frameAt });
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
    decoder = createDecoder(message.engine, { wasmUrl });
    decoder.then(
      () => post({ type: 'ready', engine: message.engine }),
      (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
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
