/**
 * The person's slip after a dose: date given, venue, dose number, product
 * and lot, and (for a set booking) the next appointment. Its top part is
 * cut to the size of the lot-label box of the 接種済証 and can be stuck in
 * it. Printed in Japanese with English beside it, whatever the desk's
 * language, since it is for the person, not the staff. No name and no
 * ticket number: the 接種済証 already carries them.
 */
import type { Value } from '../api/venue';
import { formatDateBoth } from '../i18n/format';
import { translate, useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';
import { PrintSheet } from '../print/PrintSheet';
import { printSheet } from '../print/print';

export type BookingSummary = NonNullable<Value<'recordDose'>['nextBooking']>;

export interface SlipData {
  readonly doseNumber: number;
  readonly venueDate: string;
  readonly venueName: string | null;
  readonly productName: string | null;
  readonly maker: string | null;
  readonly lotNumber: string | null;
  readonly nextBooking: BookingSummary | null;
}

/** The next booked dose, shown on screen at once: date in both calendars, the slot, the venue. */
export function NextBooking({ booking }: { booking: BookingSummary }) {
  const t = useT();
  return (
    <div className="next-booking" data-testid="next-booking" data-date={booking.date} data-slot={`${booking.slotStart}-${booking.slotEnd}`}>
      <p className="next-booking__title">{t('slip.nextTitle', { n: booking.dose })}</p>
      <p className="next-booking__date">
        <strong>{formatDateBoth(booking.date, t.language, { weekday: true })}</strong>
      </p>
      <p>
        {t('slip.slot', { start: booking.slotStart, end: booking.slotEnd })} · {booking.venueName ?? booking.venueId}
        {booking.productName ? ` · ${booking.productName}` : ''}
      </p>
    </div>
  );
}

const both = (key: StringKey, vars?: Record<string, string | number>) => `${translate('ja', key, vars)} / ${translate('en', key, vars)}`;

function SlipContent({ slip }: { slip: SlipData }) {
  const next = slip.nextBooking;
  return (
    <div className="slip">
      <div className="slip__label" data-testid="slip-label">
        <p className="slip__title">{both('slip.title')}</p>
        <dl>
          <div>
            <dt>{both('slip.date')}</dt>
            <dd>{formatDateBoth(slip.venueDate, 'ja')}</dd>
          </div>
          <div>
            <dt>{both('slip.dose')}</dt>
            <dd>
              {translate('ja', 'verdict.dose', { n: slip.doseNumber })} / {translate('en', 'verdict.dose', { n: slip.doseNumber })}
            </dd>
          </div>
          <div>
            <dt>{both('slip.vaccine')}</dt>
            <dd>
              {slip.maker ?? ''} {slip.productName ?? ''}
            </dd>
          </div>
          <div>
            <dt>Lot No.</dt>
            <dd className="slip__lot mono" data-testid="slip-lot">
              {slip.lotNumber ?? ''}
            </dd>
          </div>
          <div>
            <dt>{both('slip.venue')}</dt>
            <dd>{slip.venueName ?? ''}</dd>
          </div>
        </dl>
      </div>
      {next ? (
        <div className="slip__next" data-testid="slip-next">
          <p className="slip__title">{both('slip.nextTitle', { n: next.dose })}</p>
          <p className="slip__next-date">{formatDateBoth(next.date, 'ja', { weekday: true })}</p>
          <p>
            {next.slotStart}–{next.slotEnd} · {next.venueName ?? next.venueId}
          </p>
        </div>
      ) : null}
    </div>
  );
}

/** The slip on screen, with its print button; the printed sheet is the same content at label size. */
export function DoseSlip({ slip }: { slip: SlipData }) {
  const t = useT();
  return (
    <section className="slip-card" data-testid="dose-slip" aria-label={t('slip.screenTitle')}>
      <h3>{t('slip.screenTitle')}</h3>
      <SlipContent slip={slip} />
      <button type="button" className="button button--primary" onClick={() => printSheet('slip')} data-testid="print-slip">
        {t('slip.print')}
      </button>
      <PrintSheet name="slip" testId="slip-sheet">
        <SlipContent slip={slip} />
      </PrintSheet>
    </section>
  );
}
