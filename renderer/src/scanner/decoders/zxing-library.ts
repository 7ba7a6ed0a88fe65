import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { formatsFor, GS, type CodeFormat, type Decoder, type DecodeResult, type ScanPurpose } from '../decoder';
import type { Luma } from '../preprocess';

const FORMATS = new Map<BarcodeFormat, CodeFormat>([
  [BarcodeFormat.QR_CODE, 'qr'],
  [BarcodeFormat.CODABAR, 'codabar'],
  [BarcodeFormat.DATA_MATRIX, 'datamatrix'],
  [BarcodeFormat.RSS_14, 'databar'],
  [BarcodeFormat.RSS_EXPANDED, 'databar'],
  [BarcodeFormat.CODE_128, 'gs1-128'],
]);

/** @zxing/library gives a GS1 symbol's leading FNC1 as GS: write it as the AIM identifier instead. */
export function normaliseText(text: string, format: CodeFormat): string {
  const aim: Partial<Record<CodeFormat, string>> = { datamatrix: ']d2', 'gs1-128': ']C1' };
  const prefix = aim[format];
  if (prefix && text.startsWith(GS)) return `${prefix}${text.slice(1)}`;
  return text;
}

/** The pure-JavaScript engine, behind the same interface (one frame, one symbol; no quality of its own). */
export async function createZxingLibraryDecoder(purpose: ScanPurpose = 'any'): Promise<Decoder> {
  const reader = new MultiFormatReader();
  const wanted = formatsFor(purpose);
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [...FORMATS].filter(([, ours]) => wanted.includes(ours)).map(([theirs]) => theirs)],
    [DecodeHintType.TRY_HARDER, true],
    [DecodeHintType.RETURN_CODABAR_START_END, true],
  ]);
  reader.setHints(hints);
  return {
    name: 'zxing-library',
    async decode(frame: Luma): Promise<DecodeResult> {
      const source = new RGBLuminanceSource(frame.data, frame.width, frame.height);
      try {
        const result = reader.decodeWithState(new BinaryBitmap(new HybridBinarizer(source)));
        const format = FORMATS.get(result.getBarcodeFormat());
        if (!format) return { codes: [], seen: true };
        return { codes: [{ text: normaliseText(result.getText(), format), format }], seen: true };
      } catch {
        return { codes: [], seen: false };
      }
    },
  };
}
