import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTicketLines } from '../../renderer/src/scanner/ocr/reader';
import type { Luma } from '../../renderer/src/scanner/preprocess';
import { Connection } from '../../src/api/connection';
import { operations } from '../../src/api/contract';
import { Dispatcher } from '../../src/api/dispatcher';
import { useAuditKey } from '../../src/audit/log';
import { ManualClock } from '../../src/common/time';
import { openVenueDatabase, type VenueDb } from '../../src/store/database';
import { PRACTICE_TICKETS } from '../../src/training/practice-tickets';
import { seedPracticeVenue } from '../../src/app/practice-venue';
import { SHEET_PAGE, TICKET_BOX, ticketPlace } from '../../src/training/sheet';
import { DEMO_STAFF, ticketLine } from '../fixtures/demo';
import { decodeWithApp } from '../support/app-decoder';
import { DEMO_NOW, Desk } from '../support/venue';

/**
 * The printed sheet of dummy tickets, read back as a desk would: the real
 * PDF rasterised by poppler's pdftoppm (Debian's poppler-utils, installed by
 * .ci/run) at 200 dpi in grey, each ticket cut out of the page's pixels and
 * given to the app's own decoder (the decode worker's pipeline over
 * zxing-wasm) and the app's own OCR reader; what they read is then scanned
 * on the training database, and must give the verdict printed beside it.
 */
const DPI = 200;
let dir: string;
let db: VenueDb;
let desk: Desk;
let pages: Luma[];

function readPgm(path: string): Luma {
  const bytes = readFileSync(path);
  // P5 <width> <height> 255, then one byte a pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error(`${path} is not an 8-bit PGM`);
  const [whole, w, h] = header;
  return { width: Number(w), height: Number(h), data: new Uint8ClampedArray(bytes.subarray(whole.length)) };
}

function crop(page: Luma, x: number, y: number, width: number, height: number): Luma {
  const px = (pt: number) => Math.round((pt * DPI) / 72);
  const [x0, y0, w, h] = [px(x), px(y), px(width), px(height)];
  const data = new Uint8ClampedArray(w * h);
  for (let row = 0; row < h; row++) data.set(page.data.subarray((y0 + row) * page.width + x0, (y0 + row) * page.width + x0 + w), row * w);
  return { width: w, height: h, data };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'venue-sheet-'));
  const clock = new ManualClock(DEMO_NOW);
  db = openVenueDatabase({ path: join(dir, 'training.db'), key: Buffer.alloc(32, 7) });
  useAuditKey(db, Buffer.alloc(32, 9));
  seedPracticeVenue(db, clock.now(), 0);
  desk = new Desk(new Connection(new Dispatcher({ db, operations, clock })));
  desk.ok('signIn', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password });
  const sheet = desk.ok('trainingSheet', {});
  writeFileSync(join(dir, 'sheet.pdf'), Buffer.from(sheet.pdfBase64, 'base64'));
  try {
    execFileSync('pdftoppm', ['-r', String(DPI), '-gray', join(dir, 'sheet.pdf'), join(dir, 'page')]);
  } catch (error) {
    throw new Error(`pdftoppm could not rasterise the sheet (apt-get install poppler-utils): ${error instanceof Error ? error.message : String(error)}`);
  }
  pages = readdirSync(dir)
    .filter((f) => f.endsWith('.pgm'))
    .sort()
    .map((f) => readPgm(join(dir, f)));
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the printed sheet of dummy tickets', () => {
  it('is A4, with one ticket for every verdict', () => {
    expect(pages.length).toBe(Math.ceil(PRACTICE_TICKETS.length / 8));
    for (const page of pages) {
      expect(page.width).toBe(Math.round((SHEET_PAGE.width * DPI) / 72));
      expect(Math.abs(page.height - (SHEET_PAGE.height * DPI) / 72)).toBeLessThanOrEqual(1);
    }
  });

  it.each(PRACTICE_TICKETS.map((ticket, index) => [ticket.verdict, index, ticket] as const))(
    '%s: its QR code, NW-7 and OCR line read back from the pixels, and give that verdict',
    async (verdict, index, ticket) => {
      const place = ticketPlace(index);
      const page = pages[place.page];
      if (!page) throw new Error(`no page ${place.page}`);
      const image = crop(page, place.x, place.y, TICKET_BOX.width, TICKET_BOX.height);
      const line = ticketLine(ticket.number, ticket.dose, ticket.municipality);
      const codes = await decodeWithApp(image);
      const byFormat = Object.fromEntries(codes.map((c) => [c.format, c.text]));
      expect(byFormat.qr).toBe(line);
      // Another municipality's ticket carries no NW-7 on the sheet (NW-7 has no municipality).
      expect(byFormat.codabar).toBe(verdict === 'OTHER_MUNICIPALITY' ? undefined : `A${ticket.number}A`);
      expect(readTicketLines(image)).toEqual([line]);

      // Each read, scanned on the training database, gives the verdict printed beside it (the day is open).
      const expected = verdict === 'DAY_CLOSED' ? 'OK' : verdict;
      for (const read of [byFormat.qr, byFormat.codabar].filter((t): t is string => t !== undefined)) {
        const scanned = desk.ok('scanTicket', { code: read });
        expect(scanned.read === 'ticket' ? scanned.verdict.code : scanned.code, read).toBe(expected);
      }
    },
  );
});
