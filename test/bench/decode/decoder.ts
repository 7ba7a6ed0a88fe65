/**
 * One small interface for every decoder the bench measures: the two
 * libraries in their default setups and the tuned pipelines built on them.
 * Frames are RGBA (ImageData-shaped), as the app's decode worker gets them
 * from the camera, so every decoder pays for its own conversions.
 */
import type { Frame } from './image';

import type { CodeFormat } from '../../../renderer/src/scanner/decoder';

/** What the reception and vaccination screens look for: the app's own list. */
export { APP_FORMATS, type CodeFormat } from '../../../renderer/src/scanner/decoder';

export interface DecodedCode {
  /**
   * The content, written the same way whichever library read it: QR text as
   * is, NW-7 with its start/stop characters, a GS1 DataMatrix as its element
   * string with GS (0x1D) between fields and no leading FNC1 or AIM prefix.
   */
  readonly text: string;
  readonly format: CodeFormat;
}

export interface Decoder {
  readonly name: string;
  decode(frame: Frame): Promise<readonly DecodedCode[]>;
}

export const GS = '\u001d';

/** @zxing/library writes a GS1 DataMatrix's leading FNC1 as GS; zxing-wasm may keep the AIM prefix: both dropped. */
export function normaliseText(text: string, format: CodeFormat): string {
  if (format !== 'datamatrix') return text;
  if (text.startsWith(']d2')) return text.slice(3);
  if (text.startsWith(GS)) return text.slice(1);
  return text;
}
