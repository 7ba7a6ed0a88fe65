/**
 * The decoding the worker ran before issue 18, frozen here so the bench can
 * put it side by side with today's in one run: the camera's luminance
 * widened to RGBA (the worker's old lumaToRgba), then the old recommended
 * pipeline — aim region, deskew of the aim region only, full frame, the
 * first attempt that reads something ending the frame — each attempt one
 * zxing-wasm call with returnErrors on and maxNumberOfSymbols 1 (so a
 * detected but unreadable symbol used up the one result), QR, Codabar and
 * DataMatrix only. Nothing in the app imports this.
 */
import type { ReaderOptions } from 'zxing-wasm/reader';
import type { DecodedCode } from '../../../renderer/src/scanner/decoder';
import { readLuma, toDecodedCode } from '../../../renderer/src/scanner/decoders/zxing-wasm';
import type { FrameRead } from '../../../renderer/src/scanner/pipeline';
import { centreRect, dominantOrientation, shear, type Luma, type Rect } from '../../../renderer/src/scanner/preprocess';
import { FrameQuality } from '../../../renderer/src/scanner/quality';
import { NW7_SHAPE } from '../../../renderer/src/scanner/recommended';

const FORMATS = ['QRCode', 'Codabar', 'DataMatrix'] as const;
const BASE: ReaderOptions = { formats: [...FORMATS], tryHarder: true, tryRotate: false, tryInvert: false, maxNumberOfSymbols: 1, textMode: 'Plain', returnErrors: true };
const AIM = { width: 0.6, height: 0.7 };
const SHAPE = new RegExp(NW7_SHAPE);

export const PREVIOUS_NAME = 'previous worker pipeline (before issue 18)';
export const PREVIOUS_SUMMARY =
  'the worker before this change: luminance widened to RGBA; aim region 60 × 70 % (tryHarder, downscale ×2), then a deskew of the aim region only (Codabar), then the full frame; one symbol per call with errors returned; QR/Codabar/DataMatrix; first attempt that reads ends the frame';

/** The old worker's path: grey widened to RGBA (lumaToRgba), then narrowed to grey again inside the old readPixels. */
function roundTrip(luma: Luma): Luma {
  const rgba = new Uint8ClampedArray(luma.width * luma.height * 4);
  const view = new Uint32Array(rgba.buffer);
  for (let i = 0; i < luma.data.length; i++) {
    const v = luma.data[i]!;
    view[i] = 0xff000000 | (v << 16) | (v << 8) | v;
  }
  const grey = new Uint8ClampedArray(luma.width * luma.height);
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) grey[i] = (306 * rgba[p]! + 601 * rgba[p + 1]! + 117 * rgba[p + 2]! + 512) >> 10;
  return { width: luma.width, height: luma.height, data: grey };
}

function crop(luma: Luma, rect: Rect): Luma {
  const out = new Uint8ClampedArray(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) out.set(luma.data.subarray((rect.y + y) * luma.width + rect.x, (rect.y + y) * luma.width + rect.x + rect.width), y * rect.width);
  return { width: rect.width, height: rect.height, data: out };
}

async function read(luma: Luma, options: ReaderOptions): Promise<{ codes: DecodedCode[]; seen: boolean }> {
  const results = await readLuma(roundTrip(luma), options);
  const codes: DecodedCode[] = [];
  let seen = false;
  for (const r of results) {
    if (!r.isValid) {
      seen = true;
      continue;
    }
    const code = toDecodedCode(r);
    // The old pipeline's NW-7 shape check.
    if (code && (code.format !== 'codabar' || SHAPE.test(code.text))) codes.push({ text: code.text, format: code.format });
  }
  return { codes, seen: seen || codes.length > 0 };
}

export function createPreviousDecoder(): { name: string; decode(frame: Luma): Promise<FrameRead> } {
  const quality = new FrameQuality();
  return {
    name: PREVIOUS_NAME,
    async decode(frame) {
      const measured = quality.measure(frame);
      const aim = crop(frame, centreRect(frame, AIM));
      let seen = false;
      const first = await read(aim, { ...BASE, downscaleFactor: 2 });
      seen ||= first.seen;
      if (first.codes.length > 0) return { codes: first.codes, seen: true, quality: measured };
      const angle = dominantOrientation(aim, 40, 0.35);
      if (angle !== null && Math.abs(angle) >= 10 && Math.abs(angle) <= 45) {
        const second = await read(shear(aim, angle), { ...BASE, formats: ['Codabar'], tryHarder: false });
        seen ||= second.seen;
        if (second.codes.length > 0) return { codes: second.codes, seen: true, quality: measured };
      }
      const third = await read(frame, { ...BASE, tryDownscale: false });
      seen ||= third.seen;
      return { codes: third.codes, seen: seen || third.codes.length > 0, quality: measured };
    },
  };
}
