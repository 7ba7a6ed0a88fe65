/**
 * The decode worker: camera frames in, barcode contents out. Decoding never
 * runs on the page's thread, so the screen stays smooth while the camera is
 * on. What the codes mean is decided on the page by src/ticket and src/gs1.
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { Decoder } from './decoder';
import { createDecoder } from './decoders';
import type { FromWorker, ToWorker } from './protocol';

let decoder: Promise<Decoder> | null = null;
let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;

function post(message: FromWorker): void {
  self.postMessage(message);
}

function pixels(bitmap: ImageBitmap): ImageData {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!context) throw new Error('no 2d context in the worker');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

async function onFrame(id: number, bitmap: ImageBitmap): Promise<void> {
  const started = performance.now();
  try {
    const engine = await decoder;
    if (!engine) throw new Error('decoder not initialised');
    const image = pixels(bitmap);
    const { codes, seen } = await engine.decode(image);
    post({ type: 'result', id, codes, seen, decodeMs: performance.now() - started });
  } catch {
    post({ type: 'result', id, codes: [], seen: false, decodeMs: performance.now() - started });
  } finally {
    bitmap.close();
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
  } else if (message.type === 'frame') {
    void onFrame(message.id, message.bitmap);
  }
};
