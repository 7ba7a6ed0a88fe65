/**
 * Fake camera videos for Chromium (--use-file-for-fake-video-capture): Y4M
 * files made from barcodes rendered with bwip-js. Each code is painted large,
 * black on a light "paper" card with its quiet zone, on a grey desk, the way a
 * ticket held under a camera looks. Chromium loops the file.
 */
import bwipjs from 'bwip-js/node';
import { writeFileSync } from 'node:fs';

export const VIDEO_WIDTH = 640;
export const VIDEO_HEIGHT = 480;
export const VIDEO_FPS = 15;

const DESK = 110;
const PAPER = 232;
const INK = 28;

/** One luma plane; chroma is neutral grey (a black-and-white print). */
export class Picture {
  readonly luma: Uint8Array;
  constructor(
    readonly width = VIDEO_WIDTH,
    readonly height = VIDEO_HEIGHT,
  ) {
    this.luma = new Uint8Array(width * height).fill(DESK);
  }

  fill(x: number, y: number, w: number, h: number, value: number): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    for (let row = y0; row < y1; row++) this.luma.fill(value, row * this.width + x0, row * this.width + x1);
  }

  /** A little sensor noise, so the decoder is not handed a perfect image. */
  addNoise(amplitude: number, seed = 1): void {
    let s = seed;
    for (let i = 0; i < this.luma.length; i++) {
      s = (s * 1_103_515_245 + 12_345) & 0x7fffffff;
      const v = (this.luma[i] ?? 0) + ((s % (2 * amplitude + 1)) - amplitude);
      this.luma[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

interface Matrix {
  readonly pixs: number[];
  readonly pixx: number;
  readonly pixy: number;
}
interface Linear {
  readonly sbs: number[];
}

function render(bcid: string, text: string): Matrix | Linear {
  const [symbol] = bwipjs.raw({ bcid, text }) as unknown as (Matrix | Linear)[];
  if (!symbol) throw new Error(`bwip-js rendered nothing for ${bcid}`);
  return symbol;
}

/** A 2D code (QR, DataMatrix) centred, `module` pixels a module, quiet zone of `quiet` modules on paper. */
export function paintMatrix(picture: Picture, symbol: Matrix, module: number, quiet = 4): void {
  const w = (symbol.pixx + 2 * quiet) * module;
  const h = (symbol.pixy + 2 * quiet) * module;
  const left = Math.floor((picture.width - w) / 2);
  const top = Math.floor((picture.height - h) / 2);
  picture.fill(left - module * 2, top - module * 2, w + module * 4, h + module * 4, PAPER);
  for (let y = 0; y < symbol.pixy; y++) {
    for (let x = 0; x < symbol.pixx; x++) {
      if (symbol.pixs[y * symbol.pixx + x]) picture.fill(left + (x + quiet) * module, top + (y + quiet) * module, module, module, INK);
    }
  }
}

/** A linear code (NW-7) centred, `module` pixels for the narrowest element, 10 modules of quiet zone. */
export function paintLinear(picture: Picture, symbol: Linear, module: number, barHeight: number): void {
  const quiet = 10 * module;
  const width = symbol.sbs.reduce((sum, n) => sum + n, 0) * module;
  const left = Math.floor((picture.width - width) / 2);
  const top = Math.floor((picture.height - barHeight) / 2);
  picture.fill(left - quiet, top - module * 6, width + 2 * quiet, barHeight + module * 12, PAPER);
  let x = left;
  symbol.sbs.forEach((n, i) => {
    if (i % 2 === 0) picture.fill(x, top, n * module, barHeight, INK);
    x += n * module;
  });
}

/** The 18-digit ticket as its QR code. */
export function ticketQr(line18: string): Picture {
  const picture = new Picture();
  paintMatrix(picture, render('qrcode', line18) as Matrix, 9);
  picture.addNoise(6, 7);
  return picture;
}

/** The 10-digit ticket number as NW-7 (Codabar) between start/stop A…A. */
export function ticketNw7(number10: string): Picture {
  const picture = new Picture();
  paintLinear(picture, render('rationalizedCodabar', `A${number10}A`) as Linear, 4, 150);
  picture.addNoise(6, 11);
  return picture;
}

/** A vial label's GS1 DataMatrix, e.g. `(01)04987123456784(17)271231(10)FA1234`. */
export function gs1DataMatrix(elementString: string): Picture {
  const picture = new Picture();
  paintMatrix(picture, render('gs1datamatrix', elementString) as Matrix, 12, 2);
  picture.addNoise(6, 13);
  return picture;
}

/** An empty desk: nothing to read. */
export function emptyDesk(): Picture {
  const picture = new Picture();
  picture.addNoise(6, 17);
  return picture;
}

/** Writes a Y4M (4:2:0) file: each picture held for its number of frames. */
export function writeY4m(path: string, scenes: readonly { picture: Picture; frames: number }[], fps = VIDEO_FPS): void {
  const first = scenes[0]?.picture;
  if (!first) throw new Error('a video needs at least one scene');
  const { width, height } = first;
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const { picture, frames } of scenes) {
    const luma = Buffer.from(picture.luma.buffer, picture.luma.byteOffset, picture.luma.byteLength);
    for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), luma, chroma);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/** The picture's luminance, the way the decode worker copies it out of a camera frame (for tests of the decoders). */
export function toLuma(picture: Picture): { data: Uint8ClampedArray; width: number; height: number } {
  return { data: Uint8ClampedArray.from(picture.luma), width: picture.width, height: picture.height };
}
