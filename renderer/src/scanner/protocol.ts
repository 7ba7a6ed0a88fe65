import type { DecodedCode, DecoderName } from './decoder';

/** Messages between the scanner (page) and the decode worker. */
export type ToWorker = { readonly type: 'init'; readonly engine: DecoderName } | { readonly type: 'frame'; readonly id: number; readonly bitmap: ImageBitmap };

export type FromWorker =
  | { readonly type: 'ready'; readonly engine: DecoderName }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly codes: readonly DecodedCode[]; readonly seen: boolean; readonly decodeMs: number };
