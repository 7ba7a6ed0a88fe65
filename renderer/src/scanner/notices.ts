/**
 * What the desk is told when a camera sight comes to no single ticket: the
 * codes of one ticket disagree (a misread, refused), or two tickets are in
 * view. Refusals made on the page, before anything is sent; like every
 * refusal they never repeat a digit that was read.
 */
import { text, type StaffText } from '../../../src/common/messages';

export type SightRefusal = 'CODES_DISAGREE' | 'TWO_TICKETS';

export const SIGHT_REFUSALS: Readonly<Record<SightRefusal, StaffText>> = {
  CODES_DISAGREE: text(
    '接種券のQRコードとバーコード(または印字の数字)が一致しません。読み取りの誤りのため受け付けません。もう一度読み取るか、接種券の18桁の数字を入力してください。',
    "The ticket's QR code and barcode (or its printed digits) do not agree: the read is refused as a misread. Scan again, or type the 18 digits printed on the ticket.",
  ),
  TWO_TICKETS: text(
    '接種券が2枚写っています。1枚だけをカメラに向けてください。',
    'Two tickets in view: show one ticket at a time.',
  ),
};

export function refusalOf(kind: 'misread' | 'two-tickets'): SightRefusal {
  return kind === 'misread' ? 'CODES_DISAGREE' : 'TWO_TICKETS';
}
