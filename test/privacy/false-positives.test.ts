import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTicketCode } from '../../src/ticket/parse';
import type { UploadRecord } from '../../src/sync/protocol';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../fixtures/demo';
import { typedTicket } from '../fixtures/individual-numbers';
import { useTestVenue } from '../support/venue';
import { dayRecord, doseRecord, enrollDirect, newRecordId, seedMunicipality, useServedCentral, type SeededMunicipality } from '../sync/support/central';

/**
 * Issue 11, point 4: what only looks like an individual number is not
 * refused. A ticket typed with spaces is read as a ticket; reasons and notes
 * with dates, times, phone numbers, postal codes and tickets are recorded at
 * the device and stored by the central service.
 */
const SEED = Number(process.env.PRIVACY_SEED ?? 20261123);

/** Each of these held a 12-digit window with a valid check digit for the old detectors. */
const LEGITIMATE_NOTES = [
  '2026-11-01 1000 に発熱あり',
  '券番号 1113 1016 0000 1001 00 と取り違え',
  '2026-11-01 10:00 03-1234-5678 に連絡',
  '090-1234-5678 2026-11-01 10:00 折り返し',
  '〒100-0001 03-1234-5678',
  '+81 90 1234 5678 (本人)',
  '11/01 9:00〜12:00 体温 37.5 38.2',
];

describe('a ticket typed with spaces', () => {
  it('is read as a ticket, never refused as an individual number (the issue’s example, and 3,000 tickets typed as people type them)', () => {
    console.log(`typed tickets: fast-check seed ${SEED}`);
    expect(parseTicketCode('1113 1016 0000 1001 00')).toMatchObject({ ok: true, municipality: '131016', number: '0000100100' });
    fc.assert(
      fc.property(typedTicket, (typed) => {
        const read = parseTicketCode(typed);
        expect(read.ok ? read.number : read.code, typed).toBe(typed.normalize('NFKC').replace(/\D/g, '').slice(8));
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it('is read at the reception desk', () => {
    const venue = useVenue();
    const reception = venue.signIn('reception');
    const read = reception.ok('scanTicket', { code: '1113 1016 0000 1001 00' });
    expect(read.read).toBe('ticket');
  });
});

const useVenue = useTestVenue();
const central = useServedCentral();
let m: SeededMunicipality;
let device: { authorization: string };

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today: '2026-11-23' });
  device = await enrollDirect(central.db, m.venue, 'N1');
});

describe('notes with dates, times, phone numbers, postal codes and tickets', () => {
  it('are recorded at the device', () => {
    const venue = useVenue();
    const nurse = venue.signIn('nurse', 'N1');
    const supervisor = venue.signIn('supervisor');
    for (const note of LEGITIMATE_NOTES) {
      const skipped = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'not_performed', reason: note });
      expect(skipped.reason).toBe(note);
      expect(supervisor.ok('voidRecord', { recordId: skipped.id, reason: note }).reason).toBe(note);
    }
    const lotId = nurse.ok('listLots', {})[0]?.id ?? '';
    const dose = nurse.ok('recordDose', {
      municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', lotId, site: 'left_arm', doctor: '予診 医師',
    });
    nurse.ok('endObservation', { doseId: dose.id, outcome: 'referred', note: LEGITIMATE_NOTES[0] });
    const report = supervisor.ok('dayReport', {});
    expect(report.discrepancies.length).toBeGreaterThan(0);
    for (const [i, discrepancy] of report.discrepancies.entries()) {
      supervisor.ok('explainDiscrepancy', { key: discrepancy.key, note: LEGITIMATE_NOTES[i % LEGITIMATE_NOTES.length] ?? '' });
    }
    expect(supervisor.ok('closeDay', { note: LEGITIMATE_NOTES[1] ?? '', confirmOpen: report.open }).note).toBe(LEGITIMATE_NOTES[1]);
  });

  it('are stored by the central service', async () => {
    const records: UploadRecord[] = [];
    for (const note of LEGITIMATE_NOTES) {
      const dose = doseRecord(m, T.ok);
      records.push(
        doseRecord(m, T.tooSoon, { status: 'not_performed', reason: note, lotId: null }),
        dose,
        { kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: dose.data.id, reason: note, staffId: 'supervisor-1', at: '2026-11-23T11:30:00.000+09:00' } },
        dayRecord.observationOutcome(m, dose.data.id, { outcome: 'referred', note }),
        dayRecord.discrepancyNote(m, { note }),
      );
    }
    const response = await fetch(`${central.served.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: device.authorization },
      body: JSON.stringify({ records }),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { results: { status: string }[] };
    expect(answer.results.map((r) => r.status)).not.toContain('rejected');
    expect(answer.results).toHaveLength(records.length);
  });
});
