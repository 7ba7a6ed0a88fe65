import {
  BarcodeFormat,
  BinaryBitmap,
  ChecksumException,
  DecodeHintType,
  FormatException,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { GS, type CodeFormat, type Decoder, type DecodeResult, type Frame } from '../decoder';

const FORMATS = new Map<BarcodeFormat, CodeFormat>([
  [BarcodeFormat.QR_CODE, 'qr'],
  [BarcodeFormat.CODABAR, 'codabar'],
  [BarcodeFormat.DATA_MATRIX, 'datamatrix'],
]);

/** Luminance from RGBA with integer weights (ITU-R BT.601). */
export function luminance(frame: Frame): Uint8ClampedArray {
  const { data, width, height } = frame;
  const out = new Uint8ClampedArray(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    out[i] = ((data[p] ?? 0) * 77 + (data[p + 1] ?? 0) * 150 + (data[p + 2] ?? 0) * 29) >> 8;
  }
  return out;
}

/** @zxing/library gives a GS1 DataMatrix's leading FNC1 as GS: write it as the AIM identifier instead. */
export function normaliseText(text: string, format: CodeFormat): string {
  if (format === 'datamatrix' && text.startsWith(GS)) return `]d2${text.slice(1)}`;
  return text;
}

export async function createZxingLibraryDecoder(): Promise<Decoder> {
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [...FORMATS.keys()]],
    [DecodeHintType.TRY_HARDER, true],
    [DecodeHintType.RETURN_CODABAR_START_END, true],
  ]);
  reader.setHints(hints);
  return {
    name: 'zxing-library',
    async decode(frame: Frame): Promise<DecodeResult> {
      const source = new RGBLuminanceSource(luminance(frame), frame.width, frame.height);
      try {
        const result = reader.decodeWithState(new BinaryBitmap(new HybridBinarizer(source)));
        const format = FORMATS.get(result.getBarcodeFormat());
        if (!format) return { codes: [], seen: true };
        return { codes: [{ text: normaliseText(result.getText(), format), format }], seen: true };
      } catch (error) {
        // Found but unreadable is worth a "hold steady"; nothing found is not.
        return { codes: [], seen: error instanceof ChecksumException || error instanceof FormatException };
      }
    },
  };
}
