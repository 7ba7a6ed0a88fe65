/**
 * The two libraries, each wrapped to take pixels and return DecodedCodes:
 * zxing-wasm (ZXing-C++ in WebAssembly; its .wasm read from the package,
 * never fetched) and @zxing/library (the pure-JavaScript port).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  GlobalHistogramBinarizer,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { prepareZXingModule, type ReaderOptions } from 'zxing-wasm/reader';
import { readPixels, type WasmRead } from '../../../renderer/src/scanner/decoders/zxing-wasm';
import { normaliseText, type CodeFormat, type DecodedCode } from './decoder';
import type { Frame } from './image';
import type { LibraryOptions, WasmOptions } from '../../../renderer/src/scanner/pipeline';
import type { Luma } from '../../../renderer/src/scanner/preprocess';

// ---------------------------------------------------------------- zxing-wasm

/** The reader .wasm shipped inside the package: the same file the app's worker serves itself. */
export function zxingWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

let wasmReady: Promise<unknown> | null = null;

/**
 * Instantiates zxing-wasm from the package's bytes. The library's default
 * `locateFile` points at a CDN; handing it `wasmBinary` means it never looks
 * for the file at all (a test holds it to that with a throwing fetch).
 */
export function loadZxingWasm(): Promise<unknown> {
  if (!wasmReady) {
    const bytes = readFileSync(zxingWasmPath());
    const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    wasmReady = prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  }
  return wasmReady;
}

/** Forget the loaded module (tests load it again under a throwing fetch). */
export function forgetZxingWasm(): void {
  wasmReady = null;
}

const WASM_FORMAT: Record<CodeFormat, 'QRCode' | 'Codabar' | 'DataMatrix'> = { qr: 'QRCode', codabar: 'Codabar', datamatrix: 'DataMatrix' };
const FROM_WASM: Readonly<Record<string, CodeFormat>> = { QRCode: 'qr', Codabar: 'codabar', DataMatrix: 'datamatrix' };

export function wasmReaderOptions(options: WasmOptions): ReaderOptions {
  const { formats, ...rest } = options;
  // Plain text: GS1 content as its element string with GS; the library's HRI default would write "(01)…".
  return { ...rest, formats: (formats ?? []).map((f) => WASM_FORMAT[f]), textMode: 'Plain' };
}

function fromWasm(result: WasmRead): DecodedCode | null {
  const format = FROM_WASM[result.format];
  if (!result.isValid || !format) return null;
  return { text: normaliseText(result.text, format), format };
}

export async function readWithWasm(frame: Frame, options: ReaderOptions): Promise<DecodedCode[]> {
  await loadZxingWasm();
  // The app's own call (readBarcodes without its leak).
  const results = await readPixels(frame, options);
  return results.map(fromWasm).filter((c): c is DecodedCode => c !== null);
}

// ---------------------------------------------------------------- @zxing/library

const LIBRARY_FORMAT: Record<CodeFormat, BarcodeFormat> = { qr: BarcodeFormat.QR_CODE, codabar: BarcodeFormat.CODABAR, datamatrix: BarcodeFormat.DATA_MATRIX };
const FROM_LIBRARY = new Map<BarcodeFormat, CodeFormat>([
  [BarcodeFormat.QR_CODE, 'qr'],
  [BarcodeFormat.CODABAR, 'codabar'],
  [BarcodeFormat.DATA_MATRIX, 'datamatrix'],
]);

export type LibraryReader = (luma: Luma) => DecodedCode[];

/**
 * A MultiFormatReader with its hints set once (README setup: POSSIBLE_FORMATS,
 * a HybridBinarizer over an RGBLuminanceSource built from the grey buffer).
 * It throws NotFoundException and friends when it reads nothing.
 */
export function createLibraryReader(options: LibraryOptions): LibraryReader {
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, options.formats.map((f) => LIBRARY_FORMAT[f])]]);
  if (options.tryHarder) hints.set(DecodeHintType.TRY_HARDER, true);
  reader.setHints(hints);
  const Binarizer = options.binarizer === 'GlobalHistogram' ? GlobalHistogramBinarizer : HybridBinarizer;
  return (luma) => {
    const source = new RGBLuminanceSource(luma.data, luma.width, luma.height);
    try {
      const result = reader.decodeWithState(new BinaryBitmap(new Binarizer(source)));
      const format = FROM_LIBRARY.get(result.getBarcodeFormat());
      return format ? [{ text: normaliseText(result.getText(), format), format }] : [];
    } catch {
      return [];
    }
  };
}
