/**
 * Fake-camera pictures of whole tickets and vial labels, drawn by the decode
 * bench's scene renderer (test/bench/decode/scene.ts: the QR, the NW-7, the
 * 18-digit line in OCR-B from Debian's fonts-ocr-b, print around them) at
 * the fake camera's 640 × 480.
 */
import { mulberry32 } from '../../support/random';
import { filtered, shoot, ticketPaper, vialLabel, type Faults, type Paper, type Pose, type TicketContent } from '../../bench/decode/scene';
import { Picture, VIDEO_HEIGHT, VIDEO_WIDTH } from './video';

function picture(papers: readonly { paper: Paper; pose: Pose }[], seed: number, faults: Faults = {}): Picture {
  const frame = shoot({ width: VIDEO_WIDTH, height: VIDEO_HEIGHT }, papers.map(({ paper, pose }) => ({ paper: filtered(paper, pose.pxPerMm), pose })), faults, mulberry32(seed));
  const out = new Picture();
  out.luma.set(frame.data);
  return out;
}

/** A ticket filling most of the view (5.8 px per mm: the 100 mm ticket is 580 px wide), with the camera's faults if any. */
export function ticketScene(content: TicketContent, seed = 1, faults: Faults = {}): Picture {
  return picture([{ paper: ticketPaper(content, mulberry32(seed)), pose: { cx: VIDEO_WIDTH / 2, cy: VIDEO_HEIGHT / 2, pxPerMm: 5.8, degrees: 2 } }], seed, faults);
}

/** Two tickets side by side. */
export function twoTicketsScene(a: TicketContent, b: TicketContent, seed = 3): Picture {
  return picture(
    [
      { paper: ticketPaper(a, mulberry32(seed)), pose: { cx: 165, cy: 240, pxPerMm: 3.1, degrees: -3 } },
      { paper: ticketPaper(b, mulberry32(seed + 1)), pose: { cx: 480, cy: 250, pxPerMm: 3.1, degrees: 4 } },
    ],
    seed,
  );
}

/** A vial label with GS1 DataBar Limited and its composite component, held close. */
export function vialScene(elementString: string, seed = 5): Picture {
  return picture([{ paper: vialLabel(elementString, mulberry32(seed)), pose: { cx: VIDEO_WIDTH / 2, cy: VIDEO_HEIGHT / 2, pxPerMm: 9, degrees: 2 } }], seed);
}
