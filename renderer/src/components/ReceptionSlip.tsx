/**
 * Reception prints the slip for a person who has just had their dose here:
 * scanning their ticket again shows the calm "vaccinated here today" card,
 * and this (in the card's footer, in view) offers the slip with the date,
 * venue, dose, lot and the next appointment.
 */
import { useState } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { call } from '../api/venue';
import { useT } from '../i18n/t';
import type { Card } from '../stores/reception';
import { DoseSlip, NextBooking, type SlipData } from './DoseSlip';

function givenToday(card: Card | null): card is Extract<Card, { kind: 'verdict' }> {
  return card?.kind === 'verdict' && card.verdict.code === 'VACCINATED_TODAY';
}

function SlipForCard({ card }: { card: Extract<Card, { kind: 'verdict' }> }) {
  const t = useT();
  const [slip, setSlip] = useState<SlipData | null | undefined>(undefined);
  const [error, setError] = useState<ReplyError | null>(null);
  const open = async () => {
    const reply = await call('doseSlip', { municipality: card.verdict.ticket.municipality, ticketNumber: card.verdict.ticket.number });
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    setSlip(reply.value);
  };
  return (
    <div className="verdict__slip" data-testid="reception-slip">
      {slip === undefined ? (
        <button type="button" className="button button--primary" onClick={() => void open()} data-testid="reception-slip-open">
          {t('slip.forToday')}
        </button>
      ) : null}
      {slip === null ? <p className="notice notice--error">{t('slip.notHere')}</p> : null}
      {slip?.nextBooking ? <NextBooking booking={slip.nextBooking} /> : null}
      {slip ? <DoseSlip slip={slip} /> : null}
      {error ? (
        <p className="form-error" role="alert">
          {t.refusal(error)}
        </p>
      ) : null}
    </div>
  );
}

export function ReceptionSlip({ card }: { card: Card | null }) {
  if (!givenToday(card)) return null;
  // One per read: a new scan starts afresh.
  return <SlipForCard key={card.seq} card={card} />;
}
