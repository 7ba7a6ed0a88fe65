/**
 * Writes src/training/ocrb-digits.ts: the outlines of the ten OCR-B digits
 * from Debian's fonts-ocr-b (/usr/share/fonts/opentype/ocr-b/OCRB.otf, the
 * font the templates of the app's OCR reader are drawn from too), as SVG
 * path data at 1000 units per em (y down, origin on the baseline), and the
 * advance. The training sheet prints the ticket's 18-digit line with them,
 * so it needs no OCR-B font on the computer that prints it.
 * Run: npx tsx scripts/make-ocrb-paths.ts
 */
import { writeFileSync } from 'node:fs';
import { ocrbFont } from '../test/fixtures/ocrb';

const EM = 1000;
const font = ocrbFont('OCRB');
const scale = EM / font.unitsPerEm;
const digits = '0123456789'.split('').map((d) => {
  const glyph = font.charToGlyph(d);
  return { d, path: glyph.getPath(0, 0, EM).toPathData(1), advance: Math.round((glyph.advanceWidth ?? font.unitsPerEm) * scale) };
});
const advances = new Set(digits.map((g) => g.advance));
if (advances.size !== 1) throw new Error('OCR-B digits should share one advance');
const source = `/**
 * The ten OCR-B digits as SVG path data (${EM} units per em, y down, origin
 * on the baseline), drawn from Debian's fonts-ocr-b by
 * scripts/make-ocrb-paths.ts. Generated: do not edit.
 */
export const OCRB_EM = ${EM};
export const OCRB_ADVANCE = ${[...advances][0]};

export const OCRB_DIGIT_PATHS: readonly string[] = [
${digits.map((g) => `  // ${g.d}\n  '${g.path}',`).join('\n')}
];
`;
writeFileSync(new URL('../src/training/ocrb-digits.ts', import.meta.url), source);
console.log('wrote src/training/ocrb-digits.ts');
