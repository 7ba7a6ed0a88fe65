import bwipjs from 'bwip-js/node';

/**
 * A QR code as its module matrix (true: dark), made by bwip-js: one
 * generator for every place the app shows or prints one (the terminal's
 * half-block QR of `admin staff totp`, the second-factor setup screen, the
 * training sheet). Error correction M, as authenticator apps expect.
 */
export function qrMatrix(text: string): boolean[][] {
  // bwip-js takes options it has no type for (eclevel) as a string.
  const [symbol] = bwipjs.raw('qrcode', text, 'eclevel=M');
  if (!symbol || !('pixs' in symbol) || symbol.pixx === 0) throw new Error('bwip-js made no QR code');
  const { pixs, pixx: size } = symbol;
  return Array.from({ length: size }, (_, y) => Array.from({ length: size }, (_, x) => pixs[y * size + x] === 1));
}

/** The matrix as one string a page can draw: rows of '1' (dark) and '0', joined by '/'. */
export function qrRows(text: string): string {
  return qrMatrix(text)
    .map((row) => row.map((dark) => (dark ? '1' : '0')).join(''))
    .join('/');
}
