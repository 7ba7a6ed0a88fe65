import bwipjs from 'bwip-js/node';

/** Modules of light margin around the symbol: scanners want a quiet zone. */
const QUIET = 2;

/**
 * A QR code for a terminal: the module matrix from bwip-js, two rows of
 * modules per line of half-block characters, black on white set explicitly
 * (ANSI colours) so an authenticator app can scan it on a dark terminal too.
 */
export function terminalQr(text: string): string {
  // bwip-js takes options it has no type for (eclevel) as a string.
  const [symbol] = bwipjs.raw('qrcode', text, 'eclevel=M');
  if (!symbol || !('pixs' in symbol) || symbol.pixx === 0) throw new Error('bwip-js made no QR code');
  const { pixs, pixx: size } = symbol;
  const dark = (x: number, y: number) => x >= 0 && y >= 0 && x < size && y < size && pixs[y * size + x] === 1;
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
