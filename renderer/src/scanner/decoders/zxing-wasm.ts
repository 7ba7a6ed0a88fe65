import { prepareZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';
import type { CodeFormat, DecodedCode, Decoder, DecodeResult, Frame } from '../decoder';
import { createPipelineDecoder, type EngineRead, type WasmOptions } from '../pipeline';
import { RECOMMENDED } from '../recommended';

export interface ZxingWasmSource {
  /** Where the page serves the .wasm (a Vite ?url import in the worker). */
  readonly wasmUrl?: string;
  /** The .wasm bytes themselves (unit tests in Node). */
  readonly wasmBinary?: ArrayBuffer;
}

const FORMATS: Readonly<Record<string, CodeFormat>> = { QRCode: 'qr', Codabar: 'codabar', DataMatrix: 'datamatrix' };
const TO_WASM: Record<CodeFormat, 'QRCode' | 'Codabar' | 'DataMatrix'> = { qr: 'QRCode', codabar: 'Codabar', datamatrix: 'DataMatrix' };

export function toDecodedCode(result: Pick<ReadResult, 'format' | 'text' | 'contentType' | 'symbologyIdentifier'>): DecodedCode | null {
  const format = FORMATS[result.format];
  if (!format) return null;
  // GS1 content keeps its AIM identifier, as a handheld sends it, so it is never taken for a ticket.
  const text = result.contentType === 'GS1' && !result.text.startsWith(']') ? `${result.symbologyIdentifier}${result.text}` : result.text;
  return { text, format };
}

/** One zxing-wasm call with a pipeline attempt's options; errors kept so "seen but unreadable" can ask to hold steady. */
export function wasmEngine(options: WasmOptions): (frame: Frame) => Promise<EngineRead> {
  const { formats, ...rest } = options;
  const readerOptions: ReaderOptions = { ...rest, formats: (formats ?? []).map((f) => TO_WASM[f]), textMode: 'Plain', returnErrors: true };
  return async (frame) => {
    const image = { data: frame.data, width: frame.width, height: frame.height, colorSpace: 'srgb' } as ImageData;
    const results = await readBarcodes(image, readerOptions);
    const codes: DecodedCode[] = [];
    let seen = false;
    for (const result of results) {
      if (!result.isValid) {
        seen = true;
        continue;
      }
      const code = toDecodedCode(result);
      if (code) codes.push(code);
    }
    return { codes, seen: seen || codes.length > 0 };
  };
}

export async function createZxingWasmDecoder(source: ZxingWasmSource): Promise<Decoder> {
  // Never the CDN default: the module comes from the package, served by the page itself.
  const overrides = source.wasmBinary
    ? { wasmBinary: source.wasmBinary }
    : { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') && source.wasmUrl ? source.wasmUrl : prefix + path) };
  await prepareZXingModule({ overrides, fireImmediately: true });
  // The pipeline the decode benchmark chose: aim region, then a deskew for turned NW-7, then the whole frame.
  const pipeline = createPipelineDecoder(RECOMMENDED, { wasm: wasmEngine });
  return {
    name: 'zxing-wasm',
    decode: (frame: Frame): Promise<DecodeResult> => pipeline.decode(frame),
  };
}
