/**
 * Why the camera gives only the GTIN of a vial's GS1 DataBar Limited
 * Composite, measured on the decoder the app ships (zxing-wasm 3.1.4) with
 * every PDF417 variant it knows switched on, on sharp, upright symbols drawn
 * by bwip-js at 4 px per module (far better than any camera frame):
 * - the composite component vials carry for a lot and an expiry is a CC-A
 *   (the short data fits it); CC-A has row address patterns of its own, and
 *   the reader finds nothing there at all;
 * - a CC-B is found as a MicroPDF417, but its codewords are GS1 composite
 *   encodation (ISO/IEC 24723: a bit stream after the 920 linkage flag), which
 *   the reader hands back as meaningless bytes, not as (17) and (10);
 * - a plain MicroPDF417 of the same element string is read exactly: the
 *   reader's PDF417 side works, the composite structure is what it lacks.
 * So the app reads only the linear part (the GTIN, as a handheld without
 * composite support sends it) and narrows the lot choice to that product's
 * lots at the venue (test/e2e/reading.test.ts). If a later zxing-wasm reads
 * composites, the first two tests fail: take the lot and expiry from it then.
 */
import bwipjs from 'bwip-js/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLuma, loadZxingWasm as loadApp } from '../../../renderer/src/scanner/decoders/zxing-wasm';
import type { Luma } from '../../../renderer/src/scanner/preprocess';
import { zxingWasmBinary } from './engines';

interface Raw {
  readonly pixs: readonly number[];
  readonly pixx: number;
  readonly pixy: number;
}

/** A bwip-js matrix on white, `module` px per module, rows `rowHeight` modules tall, a 12-module quiet zone. */
function draw(symbol: Raw, module = 4, rowHeight = 2): Luma {
  const quiet = 12 * module;
  const width = symbol.pixx * module + 2 * quiet;
  const height = symbol.pixy * module * rowHeight + 2 * quiet;
  const data = new Uint8ClampedArray(width * height).fill(255);
  for (let y = 0; y < symbol.pixy; y++) {
    for (let x = 0; x < symbol.pixx; x++) {
      if (!symbol.pixs[y * symbol.pixx + x]) continue;
      for (let dy = 0; dy < module * rowHeight; dy++) data.fill(0, (quiet + y * module * rowHeight + dy) * width + quiet + x * module, (quiet + y * module * rowHeight + dy) * width + quiet + (x + 1) * module);
    }
  }
  return { width, height, data };
}

function symbol(bcid: string, text: string, extra: Record<string, string> = {}): Raw {
  const [first] = bwipjs.raw({ bcid, text, ...extra }) as unknown as Raw[];
  if (!first) throw new Error(`bwip-js rendered nothing for ${bcid}`);
  return first;
}

const read = (luma: Luma) =>
  readLuma(luma, { formats: ['PDF417', 'CompactPDF417', 'MicroPDF417', 'DataBarLtd'], tryHarder: true, returnErrors: true, maxNumberOfSymbols: 4, textMode: 'Plain' }).then((rs) =>
    rs.map((r) => ({ format: r.format, text: r.text, valid: r.isValid })),
  );

const VIAL = '(01)04987123456784|(17)271231(10)AB1234';
const GTIN_ONLY = { format: 'DataBarLtd', text: '0104987123456784', valid: true };

beforeAll(async () => {
  await loadApp({ wasmBinary: zxingWasmBinary() });
});

describe("a vial's DataBar Limited Composite through the app's decoder", () => {
  it('reads the GTIN of the linear part and finds nothing of a CC-A component (the one vials carry)', async () => {
    expect(await read(draw(symbol('databarlimitedcomposite', VIAL)))).toEqual([GTIN_ONLY]);
    // The CC-A alone, with no linear part to confuse the search: still nothing.
    expect(await read(draw(symbol('gs1-cc', '(17)271231(10)AB1234', { ccversion: 'a', cccolumns: '3' })))).toEqual([]);
  });

  it('finds a CC-B as a MicroPDF417 but returns its composite encodation as bytes, not the lot and expiry', async () => {
    const found = await read(draw(symbol('databarlimitedcomposite', VIAL, { ccversion: 'b' })));
    expect(found).toContainEqual(GTIN_ONLY);
    const twoD = found.filter((r) => r.format === 'MicroPDF417');
    expect(twoD).toHaveLength(1);
    expect(twoD[0]!.text).not.toContain('271231');
    expect(twoD[0]!.text).not.toContain('AB1234');
  });

  it('reads a plain MicroPDF417 of the same element string exactly', async () => {
    expect(await read(draw(symbol('micropdf417', '1727123110AB1234')))).toEqual([{ format: 'MicroPDF417', text: '1727123110AB1234', valid: true }]);
  });
});
