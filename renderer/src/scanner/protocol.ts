import type { DecodedCode, DecoderName, ScanPurpose } from './decoder';
import type { QualityReading } from './quality';

/** Messages between the scanner (page) and the decode worker. */
export type ToWorker =
  | { readonly type: 'init'; readonly engine: DecoderName; readonly purpose: ScanPurpose }
  /** The OCR worker's end of a channel: the decode worker hands it frames with no code in view. */
  | { readonly type: 'ocr-port'; readonly port: MessagePort }
  /** The camera's frames as a stream (MediaStreamTrackProcessor's readable, transferred): the worker reads them itself, dropping none it has time for. */
  | { readonly type: 'stream'; readonly id: number; readonly frames: ReadableStream<VideoFrame> }
  /** One frame read back on the page, where the browser has no MediaStreamTrackProcessor. */
  | { readonly type: 'frame'; readonly id: number; readonly bitmap: ImageBitmap };

export type FromWorker =
  | { readonly type: 'ready'; readonly engine: DecoderName }
  | { readonly type: 'failed'; readonly message: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly codes: readonly DecodedCode[];
      readonly seen: boolean;
      readonly quality: QualityReading;
      readonly decodeMs: number;
      /** When the worker took the frame, as wall-clock milliseconds (performance.timeOrigin + now()), for the page's own timeline. */
      readonly frameAt: number;
    }
  /** What the OCR read from a frame of this camera session: 18-digit lines that pass the municipality check digit. */
  | { readonly type: 'ocr'; readonly id: number; readonly lines: readonly string[]; readonly frameAt: number; readonly ocrMs: number };

/** Between the decode worker and the OCR worker (over a MessageChannel the page set up). */
export type ToOcr = { readonly type: 'read'; readonly id: number; readonly frameAt: number; readonly width: number; readonly height: number; readonly data: Uint8ClampedArray };
export type FromOcr = { readonly type: 'lines'; readonly id: number; readonly frameAt: number; readonly lines: readonly string[]; readonly ocrMs: number };
