/**
 * The worker's decoder (the app's own createZxingWasmDecoder) on whole
 * tickets and pack labels, with the pipeline the worker ran before beside
 * it where it failed: a damaged QR that hid the readable NW-7, a turned NW-7
 * away from the middle, two tickets in view, GS1 DataBar and GS1-128.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createZxingWasmDecoder, wasmEngine, type FrameDecoder } from '../../../renderer/src/scanner/decoders/zxing-wasm';
import { formatsFor } from '../../../renderer/src/scanner/decoder';
import { createPipelineDecoder, type Engine } from '../../../renderer/src/scanner/pipeline';
import { RECOMMENDED } from '../../../renderer/src/scanner/recommended';
import { EDGES_IN_VIEW } from '../../../renderer/src/scanner/sight';
import { FrameQuality, STEADY_SHARPNESS } from '../../../renderer/src/scanner/quality';
import { loadZxingWasm, zxingWasmBinary } from './engines';
import { mulberry32 } from '../../support/random';
import { createPreviousDecoder } from './previous';
import { caseLabel, filtered, shoot, ticketPaper, vialLabel, type Faults, type Paper, type Pose } from './scene';

const SIZE = { width: 1280, height: 720 };
const LINE_A = '111310160000100001';
const LINE_B = '121310160000100002';

function frame(papers: { paper: Paper; pose: Pose }[], faults: Faults = {}, seed = 3) {
  return shoot(SIZE, papers.map(({ paper, pose }) => ({ paper: filtered(paper, pose.pxPerMm), pose })), faults, mulberry32(seed));
}

let any: FrameDecoder;
let tickets: FrameDecoder;
const previous = createPreviousDecoder();

beforeAll(async () => {
  await loadZxingWasm();
  any = await createZxingWasmDecoder({ wasmBinary: zxingWasmBinary() }, 'any');
  tickets = await createZxingWasmDecoder({ wasmBinary: zxingWasmBinary() }, 'ticket');
});

describe('the worker’s pipeline, where the previous one failed', () => {
  it('reads the good NW-7 beside a damaged QR (the previous pipeline’s one symbol often went to the QR)', async () => {
    let worker = 0;
    let before = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const f = frame([{ paper: ticketPaper({ line: LINE_A, qr: 'damaged', nw7: true, ocr: true }, mulberry32(seed)), pose: { cx: 640, cy: 360, pxPerMm: 6, degrees: 3 } }], {}, seed);
      const read = (await tickets.decodeFrame(f)).codes.map((c) => c.text);
      expect(read).not.toContain(LINE_A);
      if (read.includes('A0000100001A')) worker++;
      if ((await previous.decode(f)).codes.some((c) => c.text === 'A0000100001A')) before++;
    }
    expect(worker).toBe(6);
    expect(before).toBeLessThan(6);
  });

  it('reads an NW-7 turned 25° near the corner of the frame (the previous deskew looked at the aim region only)', async () => {
    const f = frame([{ paper: ticketPaper({ line: LINE_A, qr: 'none', nw7: true, ocr: false }, mulberry32(2)), pose: { cx: 380, cy: 250, pxPerMm: 6, degrees: 25 } }]);
    expect((await tickets.decodeFrame(f)).codes.map((c) => c.text)).toEqual(['A0000100001A']);
    expect((await previous.decode(f)).codes).toEqual([]);
  });

  it('keeps reading a turned NW-7 held in view (tried first where it was last straightened), finds it again when moved, and reads nothing once it is gone', async () => {
    const decoder = await createZxingWasmDecoder({ wasmBinary: zxingWasmBinary() }, 'ticket');
    const paper = ticketPaper({ line: LINE_A, qr: 'none', nw7: true, ocr: false }, mulberry32(2));
    const at = (pose: Pose, seed: number) => frame([{ paper, pose }], {}, seed);
    const corner = { cx: 380, cy: 250, pxPerMm: 6, degrees: 25 };
    for (const [f, expected] of [
      [at(corner, 11), ['A0000100001A']],
      [at(corner, 12), ['A0000100001A']],
      [at({ cx: 700, cy: 450, pxPerMm: 6, degrees: -25 }, 13), ['A0000100001A']],
      [frame([], {}, 14), []],
      [at(corner, 15), ['A0000100001A']],
    ] as const) {
      expect((await decoder.decodeFrame(f)).codes.map((c) => c.text)).toEqual(expected);
    }
  });

  it('sees both tickets when two are in view, each code with where it was found', async () => {
    const f = frame([
      { paper: ticketPaper({ line: LINE_A, qr: 'good', nw7: true, ocr: true }, mulberry32(3)), pose: { cx: 330, cy: 360, pxPerMm: 4.5, degrees: -4 } },
      { paper: ticketPaper({ line: LINE_B, qr: 'good', nw7: true, ocr: true }, mulberry32(4)), pose: { cx: 950, cy: 380, pxPerMm: 4.5, degrees: 5 } },
    ]);
    const decoder = await createZxingWasmDecoder({ wasmBinary: zxingWasmBinary() }, 'ticket');
    const codes = (await decoder.decodeFrame(f)).codes;
    expect(codes.map((c) => c.text)).toEqual(expect.arrayContaining([LINE_A, LINE_B]));
    const a = codes.find((c) => c.text === LINE_A)?.box;
    const b = codes.find((c) => c.text === LINE_B)?.box;
    expect(a && b && a.x < 640 && b.x > 640).toBe(true);
  });
});

describe('a frame in dim light', () => {
  const ticket = (noise: number, seed: number, qr: 'good' | 'none' = 'good') =>
    frame([{ paper: ticketPaper({ line: LINE_A, qr, nw7: true, ocr: true }, mulberry32(seed)), pose: { cx: 760, cy: 330, pxPerMm: 6, degrees: 2 } }], { noise }, seed);
  /** The pipeline with the app's engine, recording the size of every image the library is given. */
  const recorded = () => {
    const sizes: string[] = [];
    const recording: Engine = (options) => {
      const read = wasmEngine(options);
      return (luma) => {
        sizes.push(`${luma.width}x${luma.height}`);
        return read(luma);
      };
    };
    return { sizes, decoder: createPipelineDecoder(RECOMMENDED, recording, formatsFor('ticket')) };
  };

  it('goes to the library at half size (noise halved, a quarter of the pixels), and its codes come back where they are in the frame', async () => {
    const { sizes, decoder } = recorded();
    const noisy = await decoder.decode(ticket(22, 21));
    expect(noisy.quality.noise).toBeGreaterThanOrEqual(RECOMMENDED.halveFromNoise!);
    expect(sizes).not.toContain('768x504');
    expect(sizes[0]).toBe('384x252');
    // The ticket is right of the middle: its QR's box, mapped back, lies there (a half-size box would not).
    const qr = noisy.codes.find((c) => c.text === LINE_A)?.box;
    expect(qr?.x).toBeGreaterThan(640);
    expect(qr!.x + qr!.width).toBeLessThan(1280);
    sizes.length = 0;
    const clear = await decoder.decode(ticket(4, 22));
    expect(clear.quality.noise).toBeLessThan(RECOMMENDED.halveFromNoise!);
    expect(sizes[0]).toBe('768x504');
    expect(clear.codes.length).toBeGreaterThan(0);
  });

  it('is read at full size too when the half-size read found nothing: an NW-7 alone, which loses its thin bars when halved, is read as often as before', async () => {
    let read = 0;
    let readAtFullSizeOnly = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const f = ticket(16, seed, 'none');
      const { sizes, decoder } = recorded();
      const result = await decoder.decode(f);
      expect(result.quality.noise).toBeGreaterThanOrEqual(RECOMMENDED.halveFromNoise!);
      expect(sizes.slice(0, 2)).toEqual(['384x252', '640x360']);
      const texts = result.codes.map((c) => c.text);
      if (texts.includes('A0000100001A')) read++;
      const unhalved = createPipelineDecoder({ ...RECOMMENDED, halveFromNoise: undefined }, wasmEngine, formatsFor('ticket'));
      if ((await unhalved.decode(f)).codes.some((c) => c.text === 'A0000100001A')) readAtFullSizeOnly++;
    }
    expect(readAtFullSizeOnly).toBeGreaterThanOrEqual(4);
    expect(read).toBe(readAtFullSizeOnly);
  });
});

describe('vaccine packs by camera', () => {
  it('reads a vial’s GS1 DataBar Limited (its composite part is beyond the decoder: the GTIN comes, as a handheld sends it)', async () => {
    const f = frame([{ paper: vialLabel('(01)04987123456784|(17)271231(10)AB1234', mulberry32(5)), pose: { cx: 640, cy: 360, pxPerMm: 9, degrees: 2 } }]);
    expect((await any.decodeFrame(f)).codes).toMatchObject([{ text: ']e00104987123456784', format: 'databar' }]);
  });

  it('reads a case’s GS1-128 as its element string', async () => {
    const f = frame([{ paper: caseLabel('(01)14987123456781(17)271231(10)AB1234', mulberry32(6)), pose: { cx: 640, cy: 360, pxPerMm: 4.4, degrees: -2 } }]);
    expect((await any.decodeFrame(f)).codes).toMatchObject([{ text: ']C101149871234567811727123110AB1234', format: 'gs1-128' }]);
  });

  it('looks for packs only where the screen wants them: reception’s camera ignores a vial', async () => {
    const f = frame([{ paper: vialLabel('(01)04987123456784|(17)271231(10)AB1234', mulberry32(5)), pose: { cx: 640, cy: 360, pxPerMm: 9, degrees: 2 } }]);
    expect((await tickets.decodeFrame(f)).codes).toEqual([]);
  });
});

describe('sharpness and motion of a frame', () => {
  const ticket = () => [{ paper: ticketPaper({ line: LINE_A, qr: 'good', nw7: true, ocr: true }, mulberry32(7)), pose: { cx: 640, cy: 360, pxPerMm: 6, degrees: 1 } }];

  it('tells a sharp ticket from one blurred by a moving hand or soft focus, and an empty desk from both', () => {
    const q = new FrameQuality();
    const sharp = q.measure(frame(ticket()));
    const moving = q.measure(frame(ticket(), { motionPx: 8, motionDegrees: 10 }));
    const soft = q.measure(frame(ticket(), { defocus: 2.2 }));
    const desk = q.measure(frame([]));
    expect(sharp.sharpness).toBeGreaterThan(STEADY_SHARPNESS + 0.1);
    expect(moving.sharpness).toBeLessThan(STEADY_SHARPNESS);
    expect(soft.sharpness).toBeLessThan(STEADY_SHARPNESS);
    expect(moving.edges).toBeGreaterThanOrEqual(EDGES_IN_VIEW);
    expect(desk.edges).toBeLessThan(EDGES_IN_VIEW);
    // Frame to frame, a ticket arriving moves the picture; the same view twice barely does.
    expect(desk.motion).toBeGreaterThan(5);
    expect(q.measure(frame([])).motion).toBeLessThan(2);
  });

  it('measures sensor noise as the grey levels it adds, whatever is in view', () => {
    for (const sigma of [8, 15, 25]) {
      for (const papers of [ticket(), []]) {
        const noise = new FrameQuality().measure(frame(papers, { noise: sigma })).noise;
        expect(Math.abs(noise - sigma)).toBeLessThan(sigma * 0.2 + 1);
      }
    }
    expect(new FrameQuality().measure(frame(ticket())).noise).toBeLessThan(4);
  });
});
