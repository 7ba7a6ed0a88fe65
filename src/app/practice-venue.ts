/**
 * What a training database holds: the demo venue (its made-up staff with the
 * published sign-ins, products, lots and people, src/training/demo-venue.ts),
 * two more made-up people whose state is set by recording (one checked in,
 * one vaccinated today, so those verdicts are on the sheet too), and as many
 * generated people as asked for (a roster of any size, booked today).
 *
 * The sheet of dummy tickets that goes with it is src/training/practice-tickets.ts.
 * It lives in app/ (not training/) because it records through the dispatcher,
 * as a desk would: training/ stays below api/, which serves its sheet.
 */
import { Connection } from '../api/connection';
import { operations } from '../api/contract';
import { Dispatcher } from '../api/dispatcher';
import { ManualClock, venueDate } from '../common/time';
import { importRosterCsv } from '../roster/import';
import type { VenueDb } from '../store/database';
import { writeDeviceSettings } from '../store/settings';
import { DEMO_LOTS, DEMO_MUNICIPALITY, DEMO_STAFF, DEMO_VENUE, demoPeople, seedDemoVenue } from '../training/demo-venue';
import { generatedRosterCsv, rosterCsv, type MadeUpPerson } from '../training/made-up-roster';
import { GENERATED_FIRST_TICKET, PRACTICE_EXTRA } from '../training/practice-tickets';

const M = DEMO_MUNICIPALITY;

function extraPeople(today: string): MadeUpPerson[] {
  const product = 'PFZ-COMIRNATY';
  const person = (number: string, kana: string, kanji: string, birth: string, sex: 'M' | 'F'): MadeUpPerson => ({
    municipality: M,
    ticketNumber: number,
    personRef: `A${number.slice(-6)}`,
    nameKana: kana,
    nameKanji: kanji,
    birthDate: birth,
    sex,
    bookings: [{ id: `BK-${number}`, venue: DEMO_VENUE.id, date: today, slot: '09:00-09:30', dose: 1, product }],
  });
  return [
    person(PRACTICE_EXTRA.checkedIn, 'マツモト ケイコ', '松本 恵子', '1968-05-20', 'F'),
    person(PRACTICE_EXTRA.vaccinatedToday, 'イノウエ ヒロシ', '井上 浩', '1955-08-14', 'M'),
  ];
}

/**
 * Fills a new, empty training database: the demo venue, the two extra
 * people with their check-in and dose recorded through the contract (as a
 * desk would), and `people` generated ones; then marks it as training.
 */
export function seedPracticeVenue(db: VenueDb, now: Date, people: number): void {
  const today = venueDate(now);
  seedDemoVenue(db, now, { roster: rosterCsv([...demoPeople(today), ...extraPeople(today)]), deviceId: 'training' });
  if (people > 0) {
    const csv = [...generatedRosterCsv({ count: people, municipality: M, venue: DEMO_VENUE.id, date: today, product: 'PFZ-COMIRNATY', firstTicket: GENERATED_FIRST_TICKET })].join('');
    importRosterCsv(db, csv, { today });
  }
  const dispatcher = new Dispatcher({ db, operations, clock: new ManualClock(now.toISOString()) });
  const desk = (login: string, password: string) => {
    const connection = new Connection(dispatcher);
    must(connection.call('signIn', { login, password }), 'signIn');
    return connection;
  };
  const reception = desk(DEMO_STAFF.reception.login, DEMO_STAFF.reception.password);
  for (const number of Object.values(PRACTICE_EXTRA)) must(reception.call('checkIn', { municipality: M, number }), 'checkIn');
  const nurse = desk(DEMO_STAFF.nurse.login, DEMO_STAFF.nurse.password);
  const lot = db.prepare(`SELECT id FROM lots WHERE lot_number = ?`).pluck().get(DEMO_LOTS[0].lotNumber) as string;
  must(
    nurse.call('recordDose', { municipality: M, ticketNumber: PRACTICE_EXTRA.vaccinatedToday, doseNumber: 1, status: 'performed', lotId: lot, site: 'left_arm', doctor: '練習 医師' }),
    'recordDose',
  );
  for (const connection of [reception, nurse]) connection.call('signOut', {});
  writeDeviceSettings(db, { training: true });
}

function must(reply: ReturnType<Connection['call']>, what: string): void {
  if (!reply.ok) throw new Error(`training database: ${what} refused (${reply.error.code})`);
  const value = reply.value as { checkedIn?: boolean };
  if (value.checkedIn === false) throw new Error(`training database: ${what} not done`);
}
