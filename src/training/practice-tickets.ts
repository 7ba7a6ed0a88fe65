/**
 * The sheet of dummy tickets, as data: one ticket per verdict the app can
 * give (the type keeps the list complete), each with the few words staff
 * should expect, and the numbers of the two practice people whose state is
 * set by recording (seeded by src/app/practice-venue.ts). No database here.
 */
import type { VerdictCode } from '../checkin/schema';
import { DEMO_MUNICIPALITY, DEMO_TICKETS } from './demo-venue';

/** The most generated people a training database takes (a large venue's whole roster). */
export const MAX_TRAINING_PEOPLE = 200_000;
/** Generated people's ticket numbers start here, far from the demo's. */
export const GENERATED_FIRST_TICKET = 2_000_000_000;

export const PRACTICE_EXTRA = { checkedIn: '0000100011', vaccinatedToday: '0000100012' } as const;

export interface PracticeTicket {
  readonly verdict: VerdictCode;
  readonly municipality: string;
  /** The ticket's own 10 digits (the NW-7), and the dose its 18-digit line carries. */
  readonly number: string;
  readonly dose: number;
  /** What to do to see this verdict, when scanning alone does not show it. */
  readonly how?: { readonly ja: string; readonly en: string };
}

const M = DEMO_MUNICIPALITY;
const T = DEMO_TICKETS;

/** One ticket per verdict, in the order staff meet them. The type makes the list complete. */
const BY_VERDICT: { readonly [V in VerdictCode]: Omit<PracticeTicket, 'verdict'> } = {
  OK: { municipality: M, number: T.ok, dose: 1 },
  ALREADY_CHECKED_IN: { municipality: M, number: PRACTICE_EXTRA.checkedIn, dose: 1 },
  VACCINATED_TODAY: { municipality: M, number: PRACTICE_EXTRA.vaccinatedToday, dose: 1 },
  NOT_BOOKED_TODAY: { municipality: M, number: T.bookedOtherDay, dose: 1 },
  WRONG_VENUE: { municipality: M, number: T.otherVenue, dose: 1 },
  ALREADY_VACCINATED: { municipality: M, number: T.alreadyVaccinated, dose: 2 },
  INTERVAL_NOT_MET: { municipality: M, number: T.tooSoon, dose: 2 },
  AGE_NOT_ELIGIBLE: { municipality: M, number: T.tooYoung, dose: 1 },
  TICKET_VOID: { municipality: M, number: T.moved, dose: 1 },
  OTHER_MUNICIPALITY: { municipality: '141003', number: T.ok, dose: 1 },
  UNKNOWN_TICKET: { municipality: M, number: T.unknown, dose: 1 },
  DOSE_OUT_OF_ORDER: { municipality: M, number: T.outOfOrder, dose: 3 },
  DAY_CLOSED: {
    municipality: M,
    number: T.okSecond,
    dose: 2,
    how: {
      ja: '管理者が本日を締めた後に読み取ると「締め済み」。締める前は受付できます。',
      en: 'Shows "day closed" once a supervisor has closed the day; before that it admits.',
    },
  },
};

/** What staff should see for each, in a few words (the card says more). */
export const EXPECTED_WORDS: { readonly [V in VerdictCode]: { readonly ja: string; readonly en: string } } = {
  OK: { ja: '受付できます（1回目）', en: 'Admit (dose 1)' },
  ALREADY_CHECKED_IN: { ja: '受付済み（もう受付しています）', en: 'Already checked in' },
  VACCINATED_TODAY: { ja: '本日この会場で接種済み', en: 'Vaccinated here today' },
  NOT_BOOKED_TODAY: { ja: '本日の予約がありません', en: 'Not booked today' },
  WRONG_VENUE: { ja: '別の会場の予約です', en: 'Booked at another venue' },
  ALREADY_VACCINATED: { ja: 'この回は接種済みです', en: 'This dose already given' },
  INTERVAL_NOT_MET: { ja: '前回からの間隔が足りません', en: 'Too soon after the last dose' },
  AGE_NOT_ELIGIBLE: { ja: '対象年齢ではありません', en: 'Not of an eligible age' },
  TICKET_VOID: { ja: '無効の接種券です（転出）', en: 'Void ticket (moved away)' },
  OTHER_MUNICIPALITY: { ja: '他の市区町村の接種券です', en: 'Another municipality’s ticket' },
  UNKNOWN_TICKET: { ja: '名簿にない接種券です', en: 'Not on the roster' },
  DOSE_OUT_OF_ORDER: { ja: '接種の回数が合いません', en: 'Dose out of order' },
  DAY_CLOSED: { ja: '本日は締め済み（締めた後）', en: 'Day closed (after the close)' },
};

export const PRACTICE_TICKETS: readonly PracticeTicket[] = (Object.keys(BY_VERDICT) as VerdictCode[]).map((verdict) => ({ verdict, ...BY_VERDICT[verdict] }));

