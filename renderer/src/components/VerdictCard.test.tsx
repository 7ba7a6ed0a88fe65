// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Card, ReadSource, Verdict, VerdictCode } from '../stores/reception';
import { VerdictCard } from './VerdictCard';

afterEach(cleanup);

/** A verdict as the core sends it (typed by the contract), for a booked person. */
function verdictOf(code: VerdictCode, patch: Partial<Verdict> = {}): Verdict {
  return {
    code,
    admit: code === 'OK',
    ticket: { municipality: '131016', number: '1234567890', kind: null, dose: null },
    person: { nameKana: 'ヤマダ タロウ', nameKanji: '山田 太郎', birthDate: '1958-04-12', age: 68, sex: 'M' },
    booking: { id: 'b1', venueId: 'V001', venueName: '区民会館ホール', date: '2026-11-23', slotStart: '10:00', slotEnd: '10:30', dose: 1, productId: 'PFZ-COMIRNATY', productName: 'コミナティ' },
    nextBooking: null,
    dose: 1,
    previousDose: null,
    earliestDate: null,
    ticketStatus: 'active',
    checkedIn: null,
    ageLimits: null,
    walkIn: null,
    headline: { ja: `見出し ${code}`, en: `Headline ${code}` },
    advice: { ja: `次にすること ${code}`, en: `Next ${code}` },
    ...patch,
  } satisfies Verdict;
}

const HANDHELD: ReadSource = { kind: 'handheld' };

function cardOf(verdict: Verdict, source: ReadSource = HANDHELD): Extract<Card, { kind: 'verdict' }> {
  return { kind: 'verdict', seq: 7, source, canonical: verdict.ticket.number, verdict, checkIn: 'idle', checkedInAt: null, walkIn: 'idle', actionError: null, shownAt: 0 };
}

/**
 * What reception must see for each verdict, written out here rather than
 * taken from the card's own code: the word in large type, and the one
 * action it offers (check in, ask for a walk-in, or none). A Record over
 * the contract's codes: a new verdict code fails to compile until it is here.
 */
const EXPECTED: Readonly<Record<VerdictCode, { word: string; action: 'check-in' | 'walk-in' | 'none' }>> = {
  OK: { word: '受付可', action: 'check-in' },
  // The precise word for someone already checked in, never a vague 確認 (issue 14).
  ALREADY_CHECKED_IN: { word: '受付済み', action: 'none' },
  NOT_BOOKED_TODAY: { word: '受付不可', action: 'walk-in' },
  WRONG_VENUE: { word: '受付不可', action: 'walk-in' },
  ALREADY_VACCINATED: { word: '受付不可', action: 'none' },
  INTERVAL_NOT_MET: { word: '受付不可', action: 'none' },
  AGE_NOT_ELIGIBLE: { word: '受付不可', action: 'none' },
  TICKET_VOID: { word: '受付不可', action: 'none' },
  OTHER_MUNICIPALITY: { word: '受付不可', action: 'none' },
  UNKNOWN_TICKET: { word: '受付不可', action: 'none' },
  DOSE_OUT_OF_ORDER: { word: '受付不可', action: 'none' },
  DAY_CLOSED: { word: '受付不可', action: 'none' },
  VACCINATED_TODAY: { word: '接種済み（本日）', action: 'none' },
};

describe('the verdict card', () => {
  it.each(Object.keys(EXPECTED).map((code) => [code as VerdictCode]))('%s: its plain words and the right action', (code) => {
    const calls: string[] = [];
    render(<VerdictCard card={cardOf(verdictOf(code))} onCheckIn={() => calls.push('check-in')} onWalkIn={() => calls.push('walk-in')} onClear={() => calls.push('clear')} />);
    const expected = EXPECTED[code];
    expect(screen.getByTestId('verdict').getAttribute('data-verdict')).toBe(code);
    expect(screen.getByTestId('verdict-word').textContent).toBe(expected.word);
    expect(screen.getByTestId('verdict-headline').textContent).toBe(`見出し ${code}`);
    expect(screen.getByTestId('person-kanji').textContent).toBe('山田 太郎');
    // A refusal says what to do next; an admission has nothing to advise.
    if (code === 'OK') expect(screen.queryByTestId('verdict-advice')).toBeNull();
    else expect(screen.getByTestId('verdict-advice').textContent).toContain(`次にすること ${code}`);
    expect(screen.queryByTestId('check-in-button') !== null).toBe(expected.action === 'check-in');
    expect(screen.queryByTestId('walk-in-button') !== null).toBe(expected.action === 'walk-in');
    if (expected.action !== 'none') fireEvent.click(screen.getByTestId(`${expected.action}-button`));
    fireEvent.click(screen.getByTestId('clear-button'));
    expect(calls).toEqual(expected.action === 'none' ? ['clear'] : [expected.action, 'clear']);
  });

  it('a walk-in already asked for shows as waiting for the supervisor, with no second request', () => {
    render(<VerdictCard card={cardOf(verdictOf('NOT_BOOKED_TODAY', { walkIn: { id: 'w1', status: 'pending', reason: null } }))} onWalkIn={() => undefined} />);
    expect(screen.getByTestId('verdict-word').textContent).toBe('承認待ち');
    expect(screen.getByTestId('walk-in-pending')).toBeTruthy();
    expect(screen.queryByTestId('walk-in-button')).toBeNull();
  });

  it('a read from the printed 18-digit line asks staff to confirm name and date of birth; a code read does not', () => {
    const camera = (via: 'code' | 'ocr'): ReadSource => ({ kind: 'camera', via, firstFrameAt: null, sightStartedAt: 0, cameraSession: 1 });
    render(<VerdictCard card={cardOf(verdictOf('OK'), camera('ocr'))} onCheckIn={() => undefined} />);
    const note = screen.getByTestId('read-from-line');
    expect(note.textContent).toContain('氏名と生年月日を本人に確かめてください');
    cleanup();
    render(<VerdictCard card={cardOf(verdictOf('OK'), camera('code'))} onCheckIn={() => undefined} />);
    expect(screen.queryByTestId('read-from-line')).toBeNull();
  });

  it('a failed read refuses nobody: it says the ticket was not read, and offers no check-in', () => {
    render(<VerdictCard card={{ kind: 'read-error', seq: 3, source: HANDHELD, code: 'BAD_CHECK_DIGIT', message: { ja: '読み取れませんでした', en: 'Not read' } }} onCheckIn={() => undefined} />);
    expect(screen.getByTestId('verdict-word').textContent).toBe('読み取り失敗');
    expect(screen.getByTestId('verdict').getAttribute('data-tone')).toBe('misread');
    expect(screen.getByTestId('read-error-note')).toBeTruthy();
    expect(screen.queryByTestId('check-in-button')).toBeNull();
  });

  it('once checked in, the button gives way to the time it happened; while busy it cannot be pressed again', () => {
    const base = cardOf(verdictOf('OK'));
    render(<VerdictCard card={{ ...base, checkIn: 'busy' }} onCheckIn={() => undefined} />);
    expect((screen.getByTestId('check-in-button') as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    render(<VerdictCard card={{ ...base, checkIn: 'done', checkedInAt: '2026-11-23T10:05:00+09:00' }} onCheckIn={() => undefined} />);
    expect(screen.queryByTestId('check-in-button')).toBeNull();
    expect(screen.getByTestId('checked-in').textContent).toContain('10:05');
  });
});
