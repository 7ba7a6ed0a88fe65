import { qrMatrix } from '../../src/common/qr-matrix';

/** Modules of light margin around the symbol: scanners want a quiet zone. */
const QUIET = 2;

/**
 * A QR code for a terminal: two rows of modules per line of half-block
 * characters, black on white set explicitly (ANSI colours) so an
 * authenticator app can scan it on a dark terminal too.
 */
export function terminalQr(text: string): string {
  const matrix = qrMatrix(text);
  const size = matrix.length;
  const dark = (x: number, y: number) => matrix[y]?.[x] === true;
  const lines: string[] = [];
  for (let y = -QUIET; y < size + QUIET; y += 2) {
    let line = '';
    for (let x = -QUIET; x < size + QUIET; x++) {
      const top = dark(x, y);
      const bottom = dark(x, y + 1);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(`\u001b[30;47m${line}\u001b[0m`);
  }
  return lines.join('\n');
}
