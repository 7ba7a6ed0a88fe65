/**
 * The verdict card: what reception reads at a glance. A word and an icon as
 * well as a colour; the person's name, date of birth with age and sex; the
 * booking; and for a refusal the reason and what to do next. Stable hooks
 * for tests: data-testid="verdict", data-verdict (the verdict code, or
 * READ_ERROR / FAILURE) and data-read-seq (one per read).
 */
import { useLayoutEffect, type ReactNode } from 'react';
import { formatDateBoth, formatTime } from '../i18n/format';
import { useT, type Translator } from '../i18n/t';
import type { Card, Verdict } from '../stores/reception';
import { AlertIcon, CheckIcon, ClockIcon, CrossIcon, InfoIcon, QuestionIcon } from './Icons';
import { PersonSummary } from './PersonSummary';
import { useDeskName } from '../stores/desks';

/**
 * ok: admit. refuse: a person refused (red). caution: already checked in, a
 * walk-in waiting. info: vaccinated here today (calm blue, the slip at hand).
 * misread: the read failed (grey, dashed, a question mark): nobody was refused.
 */
export type Tone = 'ok' | 'refuse' | 'caution' | 'info' | 'misread' | 'reading';

export function toneOf(card: Card): Tone {
  switch (card.kind) {
    case 'reading':
      return 'reading';
    case 'read-error':
      return 'misread';
    case 'failure':
      return 'refuse';
    case 'verdict':
      if (card.verdict.admit) return 'ok';
      if (card.verdict.code === 'VACCINATED_TODAY') return 'info';
      if (card.verdict.code === 'ALREADY_CHECKED_IN' || card.verdict.walkIn?.status === 'pending') return 'caution';
      return 'refuse';
  }
}

const ICONS: Readonly<Record<Tone, () => ReactNode>> = {
  ok: () => <CheckIcon />,
  refuse: () => <CrossIcon />,
  caution: () => <AlertIcon />,
  info: () => <InfoIcon />,
  misread: () => <QuestionIcon />,
  reading: () => <ClockIcon />,
};

function wordOf(card: Card, tone: Tone, t: Translator): string {
  if (card.kind === 'read-error') return t('verdict.word.readError');
  if (card.kind === 'failure') return t('common.error');
  switch (tone) {
    case 'reading':
      return t('verdict.word.reading');
    case 'ok':
      return t('verdict.word.ok');
    case 'caution':
      // The precise word: checked in already, or waiting for the supervisor (never a vague "check").
      return card.kind === 'verdict' && card.verdict.code === 'ALREADY_CHECKED_IN' ? t('verdict.word.checkedIn') : t('verdict.word.waiting');
    case 'info':
      return t('verdict.word.info');
    case 'misread':
      return t('verdict.word.readError');
    case 'refuse':
      return t('verdict.word.refuse');
  }
}

/**
 * Marks the moment the card is on screen (after the frame that shows it is
 * painted) and, for a camera read, measures from that camera session's first
 * frame: the latency figure in the README.
 */
function useShownMark(card: Card | null): void {
  const key = card && card.kind !== 'reading' ? card.seq : null;
  const source = card?.source ?? null;
  useLayoutEffect(() => {
    if (key === null || !source) return;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const shownAt = performance.now();
        performance.mark('venue:verdict-shown', { detail: { seq: key } });
        if (source.kind === 'camera' && source.firstFrameAt !== null) {
          performance.measure('venue:first-frame-to-verdict', {
            start: source.firstFrameAt,
            end: shownAt,
            detail: { seq: key, cameraSession: source.cameraSession },
          });
        }
        channel.port1.close();
      };
      channel.port2.postMessage(null);
    });
    // Only the first showing of each read counts (keyed by the read); later updates (checked in) do not.
  }, [key, source]);
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function BookingFacts({ verdict, t }: { verdict: Verdict; t: Translator }) {
  const b = verdict.booking;
  const next = verdict.nextBooking;
  const prev = verdict.previousDose;
  return (
    <dl className="verdict__facts">
      <Fact label={t('verdict.booking')} testId="booking">
        {b ? (
          <>
            <strong>{formatDateBoth(b.date, t.language, { weekday: true })}</strong> {b.slotStart}–{b.slotEnd} ·{' '}
            <strong>{t('verdict.dose', { n: b.dose })}</strong>
            {b.productName ? ` · ${b.productName}` : ''}
            {b.venueName ? ` · ${b.venueName}` : ''}
          </>
        ) : (
          t('verdict.bookingNone')
        )}
      </Fact>
      {next ? (
        <Fact label={t('verdict.nextBooking')} testId="next-booking">
          {formatDateBoth(next.date, t.language, { weekday: true })} {next.slotStart}–{next.slotEnd} · {t('verdict.dose', { n: next.dose })}
        </Fact>
      ) : null}
      {prev ? (
        <Fact label={t('verdict.previousDose')}>
          {t('verdict.dose', { n: prev.dose })} · {formatDateBoth(prev.date, t.language)} · {prev.place}
          {prev.productName ? ` · ${prev.productName}` : ''}
        </Fact>
      ) : null}
      {verdict.earliestDate ? <Fact label={t('verdict.earliest')}>{formatDateBoth(verdict.earliestDate, t.language)}</Fact> : null}
      {verdict.ageLimits ? (
        <Fact label={t('verdict.ageLimits')}>
          {verdict.ageLimits.min}–{verdict.ageLimits.max ?? ''}
        </Fact>
      ) : null}
      {verdict.ticketStatus && verdict.ticketStatus !== 'active' ? (
        <Fact label={t('verdict.ticket')}>{t(`ticketStatus.${verdict.ticketStatus}`)}</Fact>
      ) : null}
      <Fact label={t('verdict.ticket')} testId="ticket-number">
        <span className="mono">
          {verdict.ticket.municipality} {verdict.ticket.number}
        </span>
      </Fact>
    </dl>
  );
}

export interface VerdictCardProps {
  readonly card: Card | null;
  readonly onCheckIn?: () => void;
  readonly onWalkIn?: () => void;
  readonly onClear?: () => void;
  /** Nurse booth: no check-in or walk-in actions. */
  readonly compact?: boolean;
  /** More for this card, right under its headline (reception's slip for someone vaccinated here today). */
  readonly extra?: ReactNode;
}

export function VerdictCard({ card, onCheckIn, onWalkIn, onClear, compact = false, extra = null }: VerdictCardProps) {
  const t = useT();
  const deskName = useDeskName();
  useShownMark(card);
  if (!card) {
    return (
      <section className="verdict verdict--empty" data-testid="verdict-placeholder" aria-live="polite">
        <p>{t('verdict.placeholder')}</p>
      </section>
    );
  }
  const tone = toneOf(card);
  const code = card.kind === 'verdict' ? card.verdict.code : card.kind === 'read-error' ? 'READ_ERROR' : card.kind === 'failure' ? 'FAILURE' : 'READING';
  const headline =
    card.kind === 'verdict' ? t.pick(card.verdict.headline)
    : card.kind === 'read-error' ? t.pick(card.message)
    : card.kind === 'failure' ? t.refusal(card.error)
    : t('verdict.reading');
  const advice = card.kind === 'verdict' ? t.pick(card.verdict.advice) : null;
  const verdict = card.kind === 'verdict' ? card.verdict : null;

  return (
    <section
      className={`verdict verdict--${tone}`}
      data-testid="verdict"
      data-verdict={code}
      data-read-seq={card.seq}
      data-tone={tone}
      {...(card.kind === 'read-error' ? { 'data-error': card.code } : {})}
      aria-live="assertive"
      aria-busy={tone === 'reading'}
    >
      <header className="verdict__banner">
        {ICONS[tone]()}
        <span className="verdict__word" data-testid="verdict-word">
          {wordOf(card, tone, t)}
        </span>
        <h2 className="verdict__headline" data-testid="verdict-headline">
          {headline}
        </h2>
      </header>

      {/* Right under the headline, so it is in view without scrolling (reception's slip for someone vaccinated here today). */}
      {!compact && extra ? <div className="verdict__extra">{extra}</div> : null}

      {verdict?.person ? <PersonSummary person={verdict.person} /> : null}

      {verdict && card.source.kind === 'camera' && card.source.via === 'ocr' ? (
        <p className="verdict__note verdict__note--confirm" data-testid="read-from-line" role="note">
          <AlertIcon /> {t('verdict.fromLine')}
        </p>
      ) : null}

      {card.kind === 'read-error' ? (
        <p className="verdict__note" data-testid="read-error-note">
          {t('verdict.readErrorNote')}
        </p>
      ) : null}

      {verdict && !verdict.admit && advice ? (
        <div className="verdict__advice" data-testid="verdict-advice">
          <h3>{t('verdict.next')}</h3>
          <p>{advice}</p>
        </div>
      ) : null}

      {verdict ? <BookingFacts verdict={verdict} t={t} /> : null}

      {verdict?.checkedIn && card.kind === 'verdict' && card.checkIn !== 'done' ? (
        <p className="verdict__note" data-testid="already-checked-in">
          {t('verdict.checkedInAt', { time: formatTime(verdict.checkedIn.at), desk: deskName(verdict.checkedIn.deskId) })}
        </p>
      ) : null}

      {card.kind === 'verdict' && card.actionError ? (
        <p className="verdict__error" role="alert" data-testid="verdict-action-error">
          {t.refusal(card.actionError)}
        </p>
      ) : null}

      {!compact && card.kind !== 'reading' ? (
        <footer className="verdict__actions">
          {card.kind === 'verdict' && card.checkIn === 'done' ? (
            <p className="verdict__done" data-testid="checked-in" role="status">
              <CheckIcon /> {t('verdict.checkedIn')} {card.checkedInAt ? formatTime(card.checkedInAt) : ''}
            </p>
          ) : null}
          {card.kind === 'verdict' && verdict?.admit && card.checkIn !== 'done' ? (
            <button type="button" className="button button--primary button--huge" data-testid="check-in-button" onClick={onCheckIn} disabled={card.checkIn === 'busy'}>
              {card.checkIn === 'busy' ? t('verdict.checkingIn') : t('verdict.checkIn')}
              <kbd>{t('verdict.checkInKey')}</kbd>
            </button>
          ) : null}
          {card.kind === 'verdict' && verdict && (verdict.code === 'NOT_BOOKED_TODAY' || verdict.code === 'WRONG_VENUE') && !verdict.walkIn && onWalkIn ? (
            <button type="button" className="button" data-testid="walk-in-button" onClick={onWalkIn} disabled={card.walkIn !== 'idle'}>
              {card.walkIn === 'idle' ? t('verdict.walkInRequest') : t('verdict.walkInSent')}
            </button>
          ) : null}
          {verdict?.walkIn?.status === 'pending' ? (
            <p className="verdict__note" data-testid="walk-in-pending">
              <ClockIcon /> {t('verdict.walkInPending')}
            </p>
          ) : null}
          {onClear ? (
            <button type="button" className="button button--quiet" data-testid="clear-button" onClick={onClear}>
              {t('verdict.clear')} <kbd>Esc</kbd>
            </button>
          ) : null}
        </footer>
      ) : null}
    </section>
  );
}
