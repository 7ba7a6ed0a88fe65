/**
 * The OCR-B line reader the app ships, on tickets drawn from Debian's
 * fonts-ocr-b (three of its cuts; the templates come from one): it reads
 * the 18 digits turned and at a small size, finds no line where there is
 * none, and on soft near-miss tickets (1, 4 and 7 everywhere) it may read
 * nothing but never a wrong line.
 */
import { describe, expect, it } from 'vitest';
import { readTicketLines } from '../../../renderer/src/scanner/ocr/reader';
import { mulberry32 } from '../../support/random';
import { filtered, shoot, ticketPaper, type Faults, type Pose } from './scene';
import { nearMissOf, renderVideo, videoSpecs } from './videos';

const SIZE = { width: 1280, height: 720 };
const LINE = '121310160004719471';

function read(content: Parameters<typeof ticketPaper>[0], pose: Pose, faults: Faults = {}, seed = 1): string[] {
  const paper = filtered(ticketPaper(content, mulberry32(seed)), pose.pxPerMm);
  return readTicketLines(shoot(SIZE, [{ paper, pose }], faults, mulberry32(seed + 100)));
}

describe('the OCR-B line reader', () => {
  it.each(['OCRB', 'OCRBL', 'OCRBS'] as const)('reads the 18 digits printed in %s, straight, turned 15° and small', (font) => {
    const content = { line: LINE, qr: 'none', nw7: false, ocr: true, font } as const;
    expect(read(content, { cx: 640, cy: 360, pxPerMm: 6, degrees: 2 })).toEqual([LINE]);
    expect(read(content, { cx: 600, cy: 380, pxPerMm: 5.5, degrees: -15 })).toEqual([LINE]);
    expect(read(content, { cx: 640, cy: 360, pxPerMm: 4.2, degrees: 3 })).toEqual([LINE]);
  });

  it('reads the oblique cut (OCRBL) from settled, slightly soft frames where upright templates alone were too doubtful (seed 1)', () => {
    // ocr-only videos 2 and 10 of seed 1: every digit's best template was right, but 5/6/0 were too close to call upright.
    const specs = videoSpecs(12, 1, ['ocr-only']).filter((s) => s.id === 'ocr-only/2' || s.id === 'ocr-only/10');
    expect(specs).toHaveLength(2);
    for (const spec of specs) {
      const video = renderVideo(spec);
      const expected = video.expected.kind === 'ticket' ? video.expected.line : '';
      expect(readTicketLines(video.frame(70))).toEqual([expected]);
    }
  });

  it('finds no line on an empty desk or on a ticket without its printed line', () => {
    expect(readTicketLines(shoot(SIZE, [], {}, mulberry32(3)))).toEqual([]);
    expect(read({ line: LINE, qr: 'good', nw7: true, ocr: false }, { cx: 640, cy: 360, pxPerMm: 6, degrees: 0 })).toEqual([]);
  });

  it('reads nothing rather than a near miss from soft frames (seeded; the wrong digit would pass the check digit)', () => {
    const specs = videoSpecs(12, 11, ['ocr-near-miss']);
    console.log('near-miss seed 11, 12 videos');
    for (const spec of specs) {
      const video = renderVideo(spec);
      const expected = video.expected.kind === 'ticket' ? video.expected.line : '';
      expect(nearMissOf(expected)).not.toBeNull();
      for (const line of readTicketLines(video.frame(video.frameCount - 1))) expect(line).toBe(expected);
    }
  });
});
