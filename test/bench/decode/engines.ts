/**
 * The libraries loaded for Node: zxing-wasm from the package's own .wasm
 * (never fetched; the app's worker serves the same file itself) and
 * @zxing/library (the pure-JavaScript port, for its default setup).
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
import { loadZxingWasm as loadModule } from '../../../renderer/src/scanner/decoders/zxing-wasm';
import type { Luma } from '../../../renderer/src/scanner/preprocess';
import { normaliseText, type CodeFormat, type DecodedCode } from './decoder';

// ---------------------------------------------------------------- zxing-wasm

/** The reader .wasm shipped inside the package: the same file the app's worker serves itself. */
export function zxingWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

export function zxingWasmBinary(): ArrayBuffer {
  const bytes = readFileSync(zxingWasmPath());
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

let wasmReady: Promise<unknown> | null = null;

/**
 * Instantiates zxing-wasm from the package's bytes, as the app's decoder
 * does. The library's default `locateFile` points at a CDN; handing it
 * `wasmBinary` means it never looks for the file at all (a test holds it to
 * that with a throwing fetch).
 */
export function loadZxingWasm(): Promise<unknown> {
  wasmReady ??= loadModule({ wasmBinary: zxingWasmBinary() });
  return wasmReady;
}

/** Forget the loaded module (tests load it again under a throwing fetch). */
export function forgetZxingWasm(): void {
  wasmReady = null;
}

// ---------------------------------------------------------------- @zxing/library

const LIBRARY_FORMAT: Partial<Record<CodeFormat, BarcodeFormat>> = {
  qr: BarcodeFormat.QR_CODE,
  codabar: BarcodeFormat.CODABAR,
  datamatrix: BarcodeFormat.DATA_MATRIX,
  databar: BarcodeFormat.RSS_14,
  'gs1-128': BarcodeFormat.CODE_128,
};
const FROM_LIBRARY = new Map<BarcodeFormat, CodeFormat>(Object.entries(LIBRARY_FORMAT).map(([ours, theirs]) => [theirs, ours as CodeFormat]));

export interface LibraryOptions {
  readonly formats: readonly CodeFormat[];
  readonly tryHarder?: boolean;
  readonly binarizer?: 'Hybrid' | 'GlobalHistogram';
}

/**
 * A MultiFormatReader with its hints set once (README setup: POSSIBLE_FORMATS,
 * a HybridBinarizer over an RGBLuminanceSource built from the grey buffer).
 * It throws NotFoundException and friends when it reads nothing.
 */
export function createLibraryReader(options: LibraryOptions): (luma: Luma) => DecodedCode[] {
  const reader = new MultiFormatReader();
  const formats = options.formats.flatMap((f) => (LIBRARY_FORMAT[f] === undefined ? [] : [LIBRARY_FORMAT[f]]));
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, formats]]);
  if (options.tryHarder) hints.set(DecodeHintType.TRY_HARDER, true);
  reader.setHints(hints);
  const Binarizer = options.binarizer === 'GlobalHistogram' ? GlobalHistogramBinarizer : HybridBinarizer;
  return (luma) => {
    const source = new RGBLuminanceSource(luma.data, luma.width, luma.height);
    try {
      const result = reader.decodeWithState(new BinaryBitmap(new Binarizer(source)));
      const format = FROM_LIBRARY.get(result.getBarcodeFormat());
      return format ? [{ text: normaliseText(result.getText()), format }] : [];
    } catch {
      return [];
    }
  };
}
