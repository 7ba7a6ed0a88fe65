import type { ReadVia } from '../scanner/sight';

/** Where a ticket read came from (reception and the nurse's scans; the reader's health counts by it). */
export type ReadSource =
  | {
      readonly kind: 'camera';
      /** A code, or the printed 18-digit line (OCR): the card then asks staff to confirm name and date of birth. */
      readonly via: ReadVia;
      readonly firstFrameAt: number | null;
      /** When the ticket came into view (page time): the reader's health measures from here to the card. */
      readonly sightStartedAt: number;
      readonly cameraSession: number;
    }
  | { readonly kind: 'handheld' }
  | { readonly kind: 'manual' };
