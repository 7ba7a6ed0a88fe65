import {
  BINARIZERS,
  CHARACTER_SETS,
  CONTENT_TYPES,
  EAN_ADD_ON_SYMBOLS,
  TEXT_MODES,
  defaultReaderOptions,
  encodeFormats,
  prepareZXingModule,
  type ReaderOptions,
  type ReadResult,
  type ZXingReaderOptions,
  type ZXingReadResult,
  type ZXingVector,
} from 'zxing-wasm/reader';
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

/** What the decoders use of a read. */
export type WasmRead = Pick<ReadResult, 'format' | 'text' | 'contentType' | 'symbologyIdentifier' | 'isValid'>;

/** The embind vector the module returns: a C++ object, freed only by delete(). */
type ResultVector = ZXingVector<ZXingReadResult> & { delete(): void };

/** The parts of the Emscripten module used here (its full type lives in @types/emscripten). */
interface ReaderModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  readBarcodesFromPixmap(pointer: number, width: number, height: number, options: ZXingReaderOptions): ResultVector;
}

/** The library's options in the form its WebAssembly functions take (as readBarcodes converts them). */
function wasmOptions(options: ReaderOptions): ZXingReaderOptions {
  const o = { ...defaultReaderOptions, ...options };
  return {
    ...o,
    formats: encodeFormats(o.formats),
    binarizer: BINARIZERS.indexOf(o.binarizer),
    eanAddOnSymbol: EAN_ADD_ON_SYMBOLS.indexOf(o.eanAddOnSymbol),
    textMode: TEXT_MODES.indexOf(o.textMode),
    characterSet: CHARACTER_SETS.indexOf(o.characterSet),
  } as ZXingReaderOptions;
}

/**
 * zxing-wasm's readBarcodes for RGBA pixels, freeing what it leaves behind.
 * readBarcodes (3.1.4) never deletes the vector of results the WebAssembly
 * side returns: each call keeps about 700 bytes of JavaScript heap (and the
 * vector in the module's memory) for good; measured in Node, 3,000 calls
 * grew the heap by 2 MB after full GCs, and a camera reading 10 frames a
 * second would leak some 25 MB an hour. This does what readBarcodes does
 * (luminance with the library's own weights, so the results are identical)
 * and deletes the vector. The module is the one prepareZXingModule loaded.
 */
export async function readPixels(frame: Frame, options: ReaderOptions): Promise<WasmRead[]> {
  const module = (await prepareZXingModule({ fireImmediately: true })) as unknown as ReaderModule;
  const { data, width, height } = frame;
  const size = width * height;
  const pointer = module._malloc(size);
  if (!pointer) throw new Error(`zxing-wasm could not allocate ${size} bytes`);
  let results: ResultVector | null = null;
  try {
    const grey = module.HEAPU8.subarray(pointer, pointer + size);
    for (let i = 0, p = 0; i < size; i++, p += 4) grey[i] = (306 * data[p]! + 601 * data[p + 1]! + 117 * data[p + 2]! + 512) >> 10;
    const vector = module.readBarcodesFromPixmap(pointer, width, height, wasmOptions(options));
    results = vector;
    const reads: WasmRead[] = [];
    for (let i = 0; i < vector.size(); i++) {
      const r = vector.get(i);
      if (r) reads.push({ format: r.format as ReadResult['format'], text: r.text, contentType: CONTENT_TYPES[r.contentType] as ReadResult['contentType'], symbologyIdentifier: r.symbologyIdentifier, isValid: r.isValid });
    }
    return reads;
  } finally {
    module._free(pointer);
    results?.delete();
  }
}

/** One zxing-wasm call with a pipeline attempt's options; errors kept so "seen but unreadable" can ask to hold steady. */
export function wasmEngine(options: WasmOptions): (frame: Frame) => Promise<EngineRead> {
  const { formats, ...rest } = options;
  const readerOptions: ReaderOptions = { ...rest, formats: (formats ?? []).map((f) => TO_WASM[f]), textMode: 'Plain', returnErrors: true };
  return async (frame) => {
    const results = await readPixels(frame, readerOptions);
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
