/**
 * Writes renderer/src/scanner/ocr/templates.ts: the ten OCR-B digits as the
 * app's OCR reader compares them, drawn from Debian's fonts-ocr-b
 * (/usr/share/fonts/opentype/ocr-b/OCRB.otf, apt-get install fonts-ocr-b).
 * Each digit is rasterised large, its ink centred in a cell one advance wide
 * and 0.95 em tall (the cap height and a margin), and averaged down to the
 * reader's 12 × 16 grid; 0 is paper, 255 ink. Run: npx tsx scripts/make-ocrb-templates.ts
 */
import { writeFileSync } from 'node:fs';
import { OCRB_CAP_EM, ocrbGlyph } from '../test/fixtures/ocrb';

const W = 12;
const H = 16;
const CAP = 160;

export function digitTemplate(digit: string): number[] {
  const g = ocrbGlyph(digit, CAP);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      if (g.coverage[y * g.width + x]! < 0.5) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x + 1);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y + 1);
    }
  }
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const em = CAP / OCRB_CAP_EM;
  const cw = 0.723 * em;
  const ch = 0.95 * em;
  const out: number[] = [];
  for (let gy = 0; gy < H; gy++) {
    for (let gx = 0; gx < W; gx++) {
      const xa = cx + (gx / W - 0.5) * cw;
      const ya = cy + (gy / H - 0.5) * ch;
      let sum = 0;
      let n = 0;
      for (let y = Math.floor(ya); y < Math.floor(ya + ch / H); y++) {
        for (let x = Math.floor(xa); x < Math.floor(xa + cw / W); x++) {
          sum += y >= 0 && y < g.height && x >= 0 && x < g.width ? g.coverage[y * g.width + x]! : 0;
          n++;
        }
      }
      out.push(Math.round((255 * sum) / n));
    }
  }
  return out;
}

const rows = '0123456789'.split('').map((d) => `  // ${d}\n  [${digitTemplate(d).join(', ')}],`);
const source = `/**
 * The ten OCR-B digits on the reader's ${W} × ${H} grid (0 paper, 255 ink),
 * drawn from Debian's fonts-ocr-b by scripts/make-ocrb-templates.ts. Generated: do not edit.
 */
export const TEMPLATE_WIDTH = ${W};
export const TEMPLATE_HEIGHT = ${H};

export const OCRB_TEMPLATES: readonly (readonly number[])[] = [
${rows.join('\n')}
];
`;
writeFileSync(new URL('../renderer/src/scanner/ocr/templates.ts', import.meta.url), source);
console.log(`wrote renderer/src/scanner/ocr/templates.ts (${W} × ${H}, 10 digits)`);
