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
import { formatsFor, type Box, type CodeFormat, type DecodedCode, type Decoder, type DecodeResult, type ScanPurpose } from '../decoder';
import { createPipelineDecoder, type Engine, type EngineRead, type FrameRead, type PipelineSpec, type WasmOptions } from '../pipeline';
import type { Luma } from '../preprocess';
import { RECOMMENDED } from '../recommended';

export interface ZxingWasmSource {
  /** Where the page serves the .wasm (a Vite ?url import in the worker). */
  readonly wasmUrl?: string;
  /** The .wasm bytes themselves (the benchmark and unit tests in Node). */
  readonly wasmBinary?: ArrayBuffer;
}

/** zxing-wasm 3.1's format names for each of ours ('DataBar' is the whole family: omni, stacked, limited, expanded). */
const TO_WASM: Record<CodeFormat, readonly string[]> = {
  qr: ['QRCode'],
  codabar: ['Codabar'],
  datamatrix: ['DataMatrix'],
  databar: ['DataBar', 'DataBarLtd', 'DataBarExp', 'DataBarExpStk', 'DataBarStk', 'DataBarStkOmni', 'DataBarOmni'],
  'gs1-128': ['Code128'],
};
const FROM_WASM: Readonly<Record<string, CodeFormat>> = Object.fromEntries(
  Object.entries(TO_WASM).flatMap(([ours, names]) => names.map((name) => [name, ours as CodeFormat])),
);

/** What the decoders use of a read. */
export type WasmRead = Pick<ReadResult, 'format' | 'text' | 'contentType' | 'symbologyIdentifier' | 'isValid'> & { readonly box: Box };

export function toDecodedCode(result: Pick<WasmRead, 'format' | 'text' | 'contentType' | 'symbologyIdentifier'> & { box?: Box }): DecodedCode | null {
  const format = FROM_WASM[result.format];
  if (!format) return null;
  // A Code 128 that is not GS1-128 is some other label (a shipping code): not a pack, not a ticket.
  if (format === 'gs1-128' && result.contentType !== 'GS1') return null;
  // GS1 content keeps its AIM identifier, as a handheld sends it, so it is never taken for a ticket.
  const text = result.contentType === 'GS1' && !result.text.startsWith(']') ? `${result.symbologyIdentifier}${result.text}` : result.text;
  return result.box ? { text, format, box: result.box } : { text, format };
}

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

function boxOf(position: ZXingReadResult['position']): Box {
  const xs = [position.topLeft.x, position.topRight.x, position.bottomLeft.x, position.bottomRight.x];
  const ys = [position.topLeft.y, position.topRight.y, position.bottomLeft.y, position.bottomRight.y];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/**
 * zxing-wasm's reader on a grey image, freeing what it leaves behind.
 * readBarcodes (3.1.4) never deletes the vector of results the WebAssembly
 * side returns: each call keeps about 700 bytes of JavaScript heap (and the
 * vector in the module's memory) for good; measured in Node, 3,000 calls
 * grew the heap by 2 MB after full GCs, and a camera reading 10 frames a
 * second would leak some 25 MB an hour. This calls the module's pixmap
 * reader itself with the camera's luminance as it is (readBarcodes would
 * want RGBA and convert it back to grey) and deletes the vector.
 */
export async function readLuma(luma: Luma, options: ReaderOptions): Promise<WasmRead[]> {
  const module = (await prepareZXingModule({ fireImmediately: true })) as unknown as ReaderModule;
  const { data, width, height } = luma;
  const size = width * height;
  const pointer = module._malloc(size);
  if (!pointer) throw new Error(`zxing-wasm could not allocate ${size} bytes`);
  let results: ResultVector | null = null;
  try {
    module.HEAPU8.set(data, pointer);
    const vector = module.readBarcodesFromPixmap(pointer, width, height, wasmOptions(options));
    results = vector;
    const reads: WasmRead[] = [];
    for (let i = 0; i < vector.size(); i++) {
      const r = vector.get(i);
      if (r) {
        reads.push({
          format: r.format as ReadResult['format'],
          text: r.text,
          contentType: CONTENT_TYPES[r.contentType] as ReadResult['contentType'],
          symbologyIdentifier: r.symbologyIdentifier,
          isValid: r.isValid,
          box: boxOf(r.position),
        });
      }
    }
    return reads;
  } finally {
    module._free(pointer);
    results?.delete();
  }
}

/** zxing-wasm's options for a pipeline attempt: plain text (GS1 as its element string with GS), our formats in its names. */
export function readerOptions(options: WasmOptions): ReaderOptions {
  const { formats, ...rest } = options;
  return { ...rest, formats: (formats ?? []).flatMap((f) => TO_WASM[f]) as ReaderOptions['formats'], textMode: 'Plain' };
}

/** The engine of the pipeline: one zxing-wasm call with an attempt's options; symbols seen but not read only say "seen". */
export const wasmEngine: Engine = (options) => {
  const reader = readerOptions(options);
  return async (luma): Promise<EngineRead> => {
    const results = await readLuma(luma, reader);
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
};

/** Loads the module: never from the CDN default, always the package's own file (served by the page, or given as bytes). */
export async function loadZxingWasm(source: ZxingWasmSource): Promise<void> {
  const overrides = source.wasmBinary
    ? { wasmBinary: source.wasmBinary }
    : { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') && source.wasmUrl ? source.wasmUrl : prefix + path) };
  await prepareZXingModule({ overrides, fireImmediately: true });
}

/** The decoder the worker runs: the recommended pipeline for the screen's purpose. Also what the decode bench measures. */
export interface FrameDecoder extends Decoder {
  decodeFrame(frame: Luma): Promise<FrameRead>;
}

export async function createZxingWasmDecoder(source: ZxingWasmSource, purpose: ScanPurpose = 'any', spec: PipelineSpec = RECOMMENDED): Promise<FrameDecoder> {
  await loadZxingWasm(source);
  const pipeline = createPipelineDecoder(spec, wasmEngine, formatsFor(purpose));
  return {
    name: 'zxing-wasm',
    decodeFrame: (frame) => pipeline.decode(frame),
    decode: async (frame): Promise<DecodeResult> => {
      const { codes, seen } = await pipeline.decode(frame);
      return { codes, seen };
    },
  };
}
