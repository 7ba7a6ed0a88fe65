/**
 * Both decoders behind the scanner's one interface, on the same pictures the
 * fake camera shows: the QR and NW-7 tickets and the GS1 DataMatrix vial. The
 * text each returns goes straight into src/ticket and src/gs1, so it must come
 * out the way those parsers (and a handheld scanner) expect.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseGs1 } from '../../src/gs1';
import { parseTicketCode } from '../../src/ticket';
import { DEFAULT_DECODER, type Decoder } from '../../renderer/src/scanner/decoder';
import { createZxingLibraryDecoder } from '../../renderer/src/scanner/decoders/zxing-library';
import { createZxingWasmDecoder } from '../../renderer/src/scanner/decoders/zxing-wasm';
import { DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { emptyDesk, gs1DataMatrix, ticketNw7, ticketQr, toLuma } from './support/video';

const require = createRequire(import.meta.url);

async function decoders(): Promise<Decoder[]> {
  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  const binary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
  return [await createZxingWasmDecoder({ wasmBinary: binary }), await createZxingLibraryDecoder()];
}

describe.each(['zxing-wasm', 'zxing-library'] as const)('the %s decoder', (name) => {
  const get = async () => (await decoders()).find((d) => d.name === name) as Decoder;

  it('reads the 18-digit QR ticket', async () => {
    const result = await (await get()).decode(toLuma(ticketQr(ticketLine(T.ok))));
    expect(result.codes).toMatchObject([{ text: ticketLine(T.ok), format: 'qr' }]);
    expect(parseTicketCode(result.codes[0]?.text ?? '')).toMatchObject({ ok: true, number: T.ok });
  });

  it('reads the NW-7 ticket with its start and stop characters', async () => {
    const result = await (await get()).decode(toLuma(ticketNw7(T.okNw7)));
    expect(result.codes[0]?.format).toBe('codabar');
    expect(parseTicketCode(result.codes[0]?.text ?? '', { defaultMunicipality: '131016' })).toMatchObject({ ok: true, format: 'nw7', number: T.okNw7 });
  });

  it('reads the GS1 DataMatrix as a GS1 element string, never as a ticket', async () => {
    const result = await (await get()).decode(toLuma(gs1DataMatrix('(01)04987123456784(17)271231(10)FA1234(21)X9')));
    const text = result.codes[0]?.text ?? '';
    expect(text.startsWith(']d2')).toBe(true);
    expect(parseGs1(text, { today: '2026-11-23' })).toMatchObject({ ok: true, gtin: '04987123456784', expiry: '2027-12-31', lot: 'FA1234', serial: 'X9' });
    expect(parseTicketCode(text)).toMatchObject({ ok: false, code: 'VACCINE_PACK' });
  });

  it('finds nothing on an empty desk', async () => {
    expect((await (await get()).decode(toLuma(emptyDesk()))).codes).toEqual([]);
  });
});

describe('the default decoder', () => {
  it('is one of the two, named in one constant', () => {
    expect(['zxing-wasm', 'zxing-library']).toContain(DEFAULT_DECODER);
  });
});
