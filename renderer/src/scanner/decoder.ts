/**
 * Barcode decoding behind one interface, so the engine can change without
 * touching the scanner: zxing-wasm (ZXing-C++ compiled to WebAssembly, the
 * one the app runs) or @zxing/library (pure JavaScript, kept behind the same
 * interface). Both run inside the decode worker, on the camera's luminance.
 */
import type { Luma } from './preprocess';

/**
 * What the scanner looks for. Tickets: QR and NW-7 (Codabar). Vaccine packs
 * (MHLW notice 2022-09-13): GS1 DataBar on vials and sales packs (every
 * variant: omnidirectional, stacked, limited, expanded), GS1-128 on cases,
 * GS1 DataMatrix on imported packs.
 */
export type CodeFormat = 'qr' | 'codabar' | 'datamatrix' | 'databar' | 'gs1-128';
export const TICKET_FORMATS: readonly CodeFormat[] = ['qr', 'codabar'];
export const PACK_FORMATS: readonly CodeFormat[] = ['datamatrix', 'databar', 'gs1-128'];
export const APP_FORMATS: readonly CodeFormat[] = [...TICKET_FORMATS, ...PACK_FORMATS];

/** What a screen scans for: reception tickets, a supervisor packs, the nurse's booth both. */
export type ScanPurpose = 'ticket' | 'pack' | 'any';

export function formatsFor(purpose: ScanPurpose): readonly CodeFormat[] {
  switch (purpose) {
    case 'ticket':
      return TICKET_FORMATS;
    case 'pack':
      return PACK_FORMATS;
    case 'any':
      return APP_FORMATS;
  }
}

/** Where a code was found, in frame pixels (an axis-aligned box around its corners). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DecodedCode {
  /**
   * The content as a desk scanner would send it. GS1 content starts with its
   * AIM identifier (`]d2`, `]e0`, `]C1`) and keeps GS (0x1D) between fields,
   * so the GS1 parser in src/gs1 reads it like a handheld read.
   */
  readonly text: string;
  readonly format: CodeFormat;
  /** Where in the frame (absent when the engine does not say). */
  readonly box?: Box;
}

export interface DecodeResult {
  readonly codes: readonly DecodedCode[];
  /** A symbol was found but could not be read (blur, glare): tell the person to hold steady. */
  readonly seen: boolean;
}

export interface Decoder {
  readonly name: DecoderName;
  decode(frame: Luma): Promise<DecodeResult>;
}

export type DecoderName = 'zxing-wasm' | 'zxing-library';

/**
 * The engine the scanner uses, chosen by `npm run bench -- --only decode`
 * (read rate first, then speed): zxing-wasm running the pipeline in
 * recommended.ts. @zxing/library stays behind the same interface; this
 * constant is the only switch.
 */
export const DEFAULT_DECODER: DecoderName = 'zxing-wasm';

export const GS = '\u001d';
