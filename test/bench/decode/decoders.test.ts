import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { purgeZXingModule } from 'zxing-wasm/reader';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pureFrame } from './corpus';
import { forgetZxingWasm, loadZxingWasm } from './engines';
import { createSetup } from './pipeline';
import { mulberry32 } from '../../support/random';
import { NW7_SHAPE } from '../../../renderer/src/scanner/recommended';
import { readerOptions, readLuma } from '../../../renderer/src/scanner/decoders/zxing-wasm';
import { LIBRARY_DEFAULT, WASM_DEFAULT, WORKER } from './setups';
import { GS, gs1Payload, ticketNw7Payload, ticketQrPayload, type Payload } from './symbols';

const rng = mulberry32(42);
const qr = ticketQrPayload(rng);
const nw7 = ticketNw7Payload(rng);
// With a serial after the lot, so a GS must sit between (10) and (21).
let gs1: Payload = gs1Payload(rng);
while (!gs1.expected.includes(GS)) gs1 = gs1Payload(rng);

const cases: readonly [string, Payload, string][] = [
  ['the 18-digit ticket QR', qr, 'qr'],
  ['the 10-digit NW-7 with its start and stop characters', nw7, 'codabar'],
  ['a GS1 DataMatrix as its element string with GS separators', gs1, 'datamatrix'],
];

describe('zxing-wasm loads its .wasm from the package', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('never fetches (the library’s default would ask a CDN)', async () => {
    const fetch = vi.fn(() => {
      throw new Error('zxing-wasm tried to fetch its .wasm');
    });
    vi.stubGlobal('fetch', fetch);
    // A fresh instance, so this test sees the load itself and not a cached module.
    purgeZXingModule();
    forgetZxingWasm();
    await loadZxingWasm();
    const codes = await (await createSetup(WASM_DEFAULT)).decode(pureFrame(qr));
    expect(codes.map((c) => c.text)).toEqual([qr.expected]);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe.each([WASM_DEFAULT, LIBRARY_DEFAULT, WORKER])('the $name setup', (setup) => {
  let decoder: Awaited<ReturnType<typeof createSetup>>;
  beforeAll(async () => {
    decoder = await createSetup(setup);
  });

  it.each(cases)('reads %s exactly', async (_, payload, format) => {
    const codes = await decoder.decode(pureFrame(payload));
    expect(codes).toEqual([{ text: payload.expected, format }]);
  });

  it('reads nothing from a blank frame', async () => {
    const blank = { width: 640, height: 480, data: new Uint8ClampedArray(640 * 480).fill(230) };
    expect(await decoder.decode(blank)).toEqual([]);
  });
});

describe('the NW-7 shape check', () => {
  it('takes a whole ticket number and drops a piece of one', () => {
    const shape = new RegExp(NW7_SHAPE);
    expect(shape.test(nw7.expected)).toBe(true);
    expect(shape.test('A111310160000100001A')).toBe(true);
    // A real misread seen in the bench: glare hid the start of the code and a B inside it was taken for a start character.
    expect(shape.test('B960246D')).toBe(false);
  });
});

describe('reading many frames keeps nothing behind', () => {
  it('frees what each zxing-wasm read returns (readBarcodes alone keeps ~700 bytes a call for good)', async () => {
    await loadZxingWasm();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const frame = pureFrame(qr);
    const options = readerOptions({ formats: ['qr'], tryHarder: false });
    const heapAfterGc = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    // Warm up first: the first reads compile and cache what later ones reuse.
    for (let i = 0; i < 1_000; i++) await readLuma(frame, options);
    const before = heapAfterGc();
    const reads = 2_000;
    let read = 0;
    for (let i = 0; i < reads; i++) read += (await readLuma(frame, options)).length;
    const grown = heapAfterGc() - before;
    expect(read).toBe(reads);
    // A leak of 700 bytes a read would be 1.4 MB here; allow a fifth of that for the noise between GCs.
    expect(grown).toBeLessThan((reads * 700) / 5);
  });
});
