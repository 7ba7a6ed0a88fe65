/**
 * One small interface for every decoder the bench measures: the library
 * defaults, the pipeline the worker ran before, and the worker's pipeline
 * today. Frames are grey (the luminance plane the decode worker copies out
 * of each camera frame), so every decoder pays for its own conversions.
 */
import type { Frame } from './image';

import type { CodeFormat } from '../../../renderer/src/scanner/decoder';

/** What the reception and vaccination screens look for: the app's own list. */
export { APP_FORMATS, type CodeFormat } from '../../../renderer/src/scanner/decoder';

export interface DecodedCode {
  /**
   * The content, written the same way whichever library read it: QR text as
   * is, NW-7 with its start/stop characters, GS1 as its element string with
   * GS (0x1D) between fields and no leading FNC1 or AIM prefix.
   */
  readonly text: string;
  readonly format: CodeFormat;
}

export interface Decoder {
  readonly name: string;
  decode(frame: Frame): Promise<readonly DecodedCode[]>;
}

export const GS = '\u001d';

/** @zxing/library writes a GS1 DataMatrix's leading FNC1 as GS; the app keeps the AIM prefix of GS1 reads: both dropped. */
export function normaliseText(text: string): string {
  if (/^\](?:d2|e0|C1)/.test(text)) return text.slice(3);
  if (text.startsWith(GS)) return text.slice(1);
  return text;
}
