import { createZxingWasmDecoder, type FrameDecoder } from '../../renderer/src/scanner/decoders/zxing-wasm';
import type { DecodedCode } from '../../renderer/src/scanner/decoder';
import type { Luma } from '../../renderer/src/scanner/preprocess';
import { RECOMMENDED } from '../../renderer/src/scanner/recommended';
import { zxingWasmBinary } from '../bench/decode/engines';

/**
 * The app's own decoder in Node: the decode worker's pipeline
 * (renderer/src/scanner/pipeline.ts with the steps of recommended.ts) over
 * zxing-wasm loaded from the package's bytes, as the decode bench runs it.
 * Tests hand it grey pixels they rendered (a terminal QR, a printed sheet).
 */
let decoder: Promise<FrameDecoder> | null = null;

export async function decodeWithApp(image: Luma): Promise<readonly DecodedCode[]> {
  decoder ??= createZxingWasmDecoder({ wasmBinary: zxingWasmBinary() }, 'any', RECOMMENDED);
  return (await (await decoder).decode(image)).codes;
}

/** A picture of modules (true: dark) at `scale` pixels each, with a light margin: what a camera sees of a code on screen or paper. */
export function modulesToLuma(rows: readonly (readonly boolean[])[], scale: number, margin: number): Luma {
  const height = rows.length;
  const width = Math.max(...rows.map((r) => r.length));
  const w = (width + 2 * margin) * scale;
  const h = (height + 2 * margin) * scale;
  const data = new Uint8ClampedArray(w * h).fill(255);
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) data.fill(0, ((y + margin) * scale + dy) * w + (x + margin) * scale, ((y + margin) * scale + dy) * w + (x + margin + 1) * scale);
    }),
  );
  return { width: w, height: h, data };
}
