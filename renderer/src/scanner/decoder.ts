/**
 * Barcode decoding behind one interface, so the engine can change without
 * touching the scanner: @zxing/library (pure JavaScript) or zxing-wasm
 * (ZXing-C++ compiled to WebAssembly). Both run inside the decode worker.
 */

/** What the scanner looks for: tickets (QR, NW-7) and vaccine packs (GS1 DataMatrix). */
export type CodeFormat = 'qr' | 'codabar' | 'datamatrix';
export const APP_FORMATS: readonly CodeFormat[] = ['qr', 'codabar', 'datamatrix'];

export interface DecodedCode {
  /**
   * The content as a desk scanner would send it. GS1 content starts with its
   * AIM identifier (`]d2`) and keeps GS (0x1D) between fields, so the GS1
   * parser in src/gs1 reads it like a handheld read.
   */
  readonly text: string;
  readonly format: CodeFormat;
}

export interface DecodeResult {
  readonly codes: readonly DecodedCode[];
  /** A symbol was found but could not be read (blur, glare): tell the person to hold steady. */
  readonly seen: boolean;
}

/** RGBA pixels, as ImageData has them. */
export interface Frame {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

export interface Decoder {
  readonly name: DecoderName;
  decode(frame: Frame): Promise<DecodeResult>;
}

export type DecoderName = 'zxing-wasm' | 'zxing-library';

/**
 * The engine the scanner uses, chosen by `npm run bench -- --only decode`
 * (read rate first, then speed): zxing-wasm running the recommended pipeline
 * (recommended.ts) reads 75 % of the bench's distorted frames against 71 %
 * for zxing-wasm's default setup and 20 % for @zxing/library's, at 11.8 ms
 * p95 per 720p frame. @zxing/library stays behind the same interface; this
 * constant is the only switch.
 */
export const DEFAULT_DECODER: DecoderName = 'zxing-wasm';

export const GS = '\u001d';
