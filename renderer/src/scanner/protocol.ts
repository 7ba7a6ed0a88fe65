import type { DecodedCode, DecoderName } from './decoder';

/** Messages between the scanner (page) and the decode worker. */
export type ToWorker =
  | { readonly type: 'init'; readonly engine: DecoderName }
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
      readonly decodeMs: number;
      /** When the worker took the frame, as wall-clock milliseconds (performance.timeOrigin + now()), for the page's own timeline. */
      readonly frameAt: number;
    };
