/**
 * The printable sheet of dummy tickets for training (A4 PDF, pdfkit): one
 * ticket per verdict (PRACTICE_TICKETS), each with the QR code and the NW-7
 * of a real ticket (bwip-js, drawn as vector modules and bars), its 18-digit
 * line in OCR-B (outlines from ocrb-digits.ts, so no OCR-B font is needed),
 * the verdict staff should see, and 練習用 across it. Japanese words use a
 * Japanese font found on the computer (Noto Sans CJK, Yu Gothic, Meiryo,
 * MS Gothic, Hiragino); without one the words are printed in English.
 *
 * pdfkit writes synchronously into its stream's buffer, so the sheet is made
 * inside an operation like any other answer.
 */
import bwipjs from 'bwip-js/node';
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { StaffText } from '../common/messages';
import { qrMatrix } from '../common/qr-matrix';
import { OCRB_ADVANCE, OCRB_DIGIT_PATHS, OCRB_EM } from './ocrb-digits';
import type { PracticeTicket } from './practice-tickets';

const MM = 72 / 25.4;
export const SHEET_PAGE = { width: 210 * MM, height: 297 * MM } as const;
const MARGIN = 12 * MM;
const COLUMNS = 2;
const ROWS = 4;
const GAP = 5 * MM;
export const TICKET_BOX = { width: (SHEET_PAGE.width - 2 * MARGIN - GAP) / COLUMNS, height: 60 * MM } as const;
const HEADER = 14 * MM;
export const TICKETS_PER_PAGE = COLUMNS * ROWS;

/** Where ticket `index` sits: page and top-left corner, in points from the page's top-left (the test crops it from the pixels). */
export function ticketPlace(index: number): { page: number; x: number; y: number } {
  const onPage = index % TICKETS_PER_PAGE;
  return {
    page: Math.floor(index / TICKETS_PER_PAGE),
    x: MARGIN + (onPage % COLUMNS) * (TICKET_BOX.width + GAP),
    y: MARGIN + HEADER + Math.floor(onPage / COLUMNS) * (TICKET_BOX.height + GAP),
  };
}

/** What is printed on one dummy ticket. */
export interface SheetTicket extends PracticeTicket {
  /** The 18 digits of the line and the QR code. */
  readonly line: string;
  /** The NW-7's text (start/stop A), or null where it cannot stand for the ticket (another municipality: NW-7 carries no municipality). */
  readonly nw7: string | null;
  /** The person's name as on the roster, or null (no such person). */
  readonly name: string | null;
  readonly expect: StaffText;
}

/** Japanese fonts to try, with the face to take from a collection. */
const JAPANESE_FONTS: readonly { path: string; face?: string }[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKjp-Regular' },
  { path: '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf' },
  { path: '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf' },
  { path: 'C:\\Windows\\Fonts\\YuGothM.ttc', face: 'YuGothic-Medium' },
  { path: 'C:\\Windows\\Fonts\\meiryo.ttc', face: 'Meiryo' },
  { path: 'C:\\Windows\\Fonts\\msgothic.ttc', face: 'MS-Gothic' },
  { path: '/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc', face: 'HiraginoSans-W3' },
];

function japaneseFont(): { path: string; face?: string } | null {
  return JAPANESE_FONTS.find((font) => existsSync(font.path)) ?? null;
}

/** Reads what pdfkit pushed into its stream: it writes synchronously, so everything is there after end(). */
function bytesOf(doc: PDFKit.PDFDocument): Buffer {
  doc.end();
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const matrix = qrMatrix(text);
  const module = size / matrix.length;
  matrix.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) doc.rect(x + c * module, y + r * module, module, module);
    }),
  );
  doc.fill('#000');
}

function drawNw7(doc: PDFKit.PDFDocument, text: string, x: number, y: number, width: number, height: number): void {
  const [symbol] = bwipjs.raw('rationalizedCodabar', text, '');
  if (!symbol || !('sbs' in symbol)) throw new Error('bwip-js made no NW-7');
  const units = symbol.sbs.reduce((sum, w) => sum + w, 0);
  const unit = width / units;
  let at = x;
  symbol.sbs.forEach((w, i) => {
    // Bars and spaces alternate, starting with a bar.
    if (i % 2 === 0) doc.rect(at, y, w * unit, height);
    at += w * unit;
  });
  doc.fill('#000');
}

function drawOcrLine(doc: PDFKit.PDFDocument, digits: string, x: number, baseline: number, size: number): void {
  const scale = size / OCRB_EM;
  [...digits].forEach((digit, i) => {
    doc.save();
    doc.translate(x + i * OCRB_ADVANCE * scale, baseline).scale(scale);
    doc.path(OCRB_DIGIT_PATHS[Number(digit)] ?? '').fill('#000');
    doc.restore();
  });
}

export function trainingSheetPdf(tickets: readonly SheetTicket[], options: { title: StaffText; printedAt: string }): Buffer {
  const doc = new PDFDocument({ size: [SHEET_PAGE.width, SHEET_PAGE.height], margin: 0, autoFirstPage: false, info: { Title: options.title.en, Producer: 'venue reception' } });
  const jp = japaneseFont();
  if (jp) doc.registerFont('words', jp.path, jp.face ?? '');
  const words = (t: StaffText) => (jp ? t.ja : t.en);
  const font = (size: number) => (jp ? doc.font('words') : doc.font('Helvetica')).fontSize(size);
  const pages = Math.ceil(tickets.length / TICKETS_PER_PAGE);
  tickets.forEach((ticket, index) => {
    const { page, x, y } = ticketPlace(index);
    if (index % TICKETS_PER_PAGE === 0) {
      doc.addPage();
      font(14).fillColor('#000').text(words(options.title), MARGIN, MARGIN, { width: SHEET_PAGE.width - 2 * MARGIN, lineBreak: false });
      font(8)
        .fillColor('#444')
        .text(`${options.printedAt}  ·  ${page + 1} / ${pages}`, MARGIN, MARGIN + 7 * MM, { width: SHEET_PAGE.width - 2 * MARGIN, lineBreak: false });
    }
    const { width, height } = TICKET_BOX;
    doc.save().lineWidth(0.5).dash(3, { space: 2 }).rect(x, y, width, height).stroke('#888').undash().restore();
    font(7).fillColor('#b00').text(words({ ja: '練習用・本物の接種券ではありません', en: 'TRAINING - NOT A REAL TICKET' }), x + 3 * MM, y + 2.5 * MM, { lineBreak: false });
    font(10).fillColor('#000').text(words(ticket.expect), x + 3 * MM, y + 7 * MM, { width: width - 6 * MM, lineBreak: false });
    font(8).fillColor('#000').text(ticket.name ?? words({ ja: '（名簿にない番号）', en: '(not on the roster)' }), x + 3 * MM, y + 13 * MM, { lineBreak: false });
    const qr = 24 * MM;
    drawQr(doc, ticket.line, x + 4 * MM, y + 19 * MM, qr);
    if (ticket.nw7) {
      drawNw7(doc, ticket.nw7, x + 34 * MM, y + 21 * MM, width - 40 * MM, 12 * MM);
      font(8).fillColor('#000').text(ticket.nw7, x + 34 * MM, y + 34 * MM, { lineBreak: false });
    }
    if (ticket.how) font(7).fillColor('#333').text(words(ticket.how), x + 34 * MM, y + 38 * MM, { width: width - 38 * MM, height: 8 * MM });
    drawOcrLine(doc, ticket.line, x + 4 * MM, y + 56 * MM, 4.2 * MM);
  });
  return bytesOf(doc);
}
