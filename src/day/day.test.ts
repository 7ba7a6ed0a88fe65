import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { useTestVenue, type Desk, type TestVenue } from '../../test/support/venue';
import { decodeCsvBytes, readCsvRecords } from '../roster/csv';
import { VRS_HEADER } from './vrs';

const newVenue = useTestVenue();

/** A morning: three check-ins, two doses (one at a desk with its lot set), one not performed. */
function morning(venue: TestVenue) {
  // A slow morning: keep sessions from idling out between the steps.
  venue.signIn('supervisor').ok('configureDevice', { idleLockMinutes: 60 });
  const reception = venue.signIn('reception', 'R1');
  const nurse = venue.signIn('nurse', 'N1');
  const lots = nurse.ok('listLots', {});
  const fa = lots.find((l) => l.lotNumber === 'FA1234')?.id ?? '';
  nurse.ok('setDeskLot', { lotId: fa });
  for (const number of [T.ok, T.okSecond, T.okNw7]) reception.ok('checkIn', { municipality: M, number });
  venue.clock.advance(7 * 60_000);
  const first = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', lotId: fa, doctor: '医師 一郎' });
  venue.clock.advance(3 * 60_000);
  const second = nurse.ok('recordDose', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'not_performed', reason: '発熱のため中止' });
  return { reception, nurse, fa, first, second };
}

function supervisorOf(venue: TestVenue): Desk {
  return venue.signIn('supervisor', 'R1');
}

describe('the day report', () => {
  it('counts the day and lists the discrepancies', () => {
    const venue = newVenue();
    morning(venue);
    const report = supervisorOf(venue).ok('dayReport', {});
    expect(report.counts).toMatchObject({ checkedIn: 3, vaccinated: 1, notVaccinated: 1, walkIns: 0, voided: 0 });
    // Booked here today in the demo roster: every "booked today here" person. At 09:10 every slot is still ahead: nobody is a no-show yet.
    expect(report.counts.booked).toBeGreaterThanOrEqual(6);
    expect(report.counts.notYetCome).toBe(report.counts.booked - 3);
    expect(report.counts.noShows).toBe(0);
    expect(report.byDose).toEqual([{ dose: 1, count: 1 }]);
    expect(report.byProduct).toEqual([{ productId: 'PFZ-COMIRNATY', productName: 'コミナティ筋注', count: 1 }]);
    expect(report.notVaccinatedReasons).toEqual([{ reason: '発熱のため中止', count: 1 }]);
    expect(report.medianSecondsToDose).toBe(7 * 60);
    expect(report.hourly).toEqual([
      { hour: '09', deskId: 'N1', checkIns: 0, doses: 1 },
      { hour: '09', deskId: 'R1', checkIns: 3, doses: 0 },
    ]);
    // The NW-7 person was checked in and is waiting: during the day that is no discrepancy; at the close it is one.
    expect(report.discrepancies.map((d) => d.kind)).toEqual([]);
    expect(report.open).toMatchObject({ waiting: 1, observing: 1, notYetCome: report.counts.booked - 3 });
    const closing = supervisorOf(venue).ok('dayReport', { closing: true });
    expect(closing.discrepancies.map((d) => d.kind)).toEqual(['checked-in-no-dose']);
  });

  it('tells a no-show (slot over) from someone still to come (slot ahead) as the day goes on', () => {
    const venue = newVenue();
    const supervisor = supervisorOf(venue);
    const at = (hhmm: string) => {
      venue.clock.set(`2026-11-23T${hhmm}:00+09:00`);
      return supervisor.ok('dayReport', {}).counts;
    };
    const morningCounts = at('09:30');
    expect(morningCounts.noShows).toBe(0);
    // 10:00–10:30 (山田) is over at 10:31; 鈴木's 10:30–11:00 is not.
    const later = at('10:31');
    expect(later.noShows).toBe(1);
    expect(later.notYetCome).toBe(morningCounts.notYetCome - 1);
    // A past day: every booking not checked in is a no-show.
    venue.clock.set('2026-11-24T09:00:00+09:00');
    const yesterday = supervisor.ok('dayReport', { date: '2026-11-23' }).counts;
    expect(yesterday).toMatchObject({ notYetCome: 0, noShows: morningCounts.booked });
  });

  it('finds a dose with no check-in, a lot outside its desk, and a lot gap against opened vials', () => {
    const venue = newVenue();
    const { nurse } = morning(venue);
    const lots = nurse.ok('listLots', {});
    const other = lots.find((l) => l.lotNumber === 'FB5678')?.id ?? '';
    // Dose for someone never checked in, with a lot that is not the desk's active lot.
    const stray = nurse.ok('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: other });
    venue.db.prepare(`UPDATE dose_records SET checkin_id = NULL WHERE id = ?`).run(stray.id);
    venue.db.prepare(`UPDATE checkins SET voided_by = 'test' WHERE ticket_number = ?`).run(T.okNw7);
    nurse.ok('recordVialsOpened', { lotId: other, vials: 0 });
    const report = supervisorOf(venue).ok('dayReport', {});
    const kinds = report.discrepancies.map((d) => d.kind).sort();
    expect(kinds).toEqual(['dose-no-checkin', 'lot-gap', 'lot-outside-desk']);
    expect(report.lots.find((l) => l.lotId === other)).toMatchObject({ doses: 1, vialsOpened: 0, difference: -1 });
    const outside = report.discrepancies.find((d) => d.kind === 'lot-outside-desk');
    expect(outside?.recordIds).toEqual([stray.id]);
  });

  it('shows waste when opened vials hold more doses than were given', () => {
    const venue = newVenue();
    const { nurse, fa } = morning(venue);
    nurse.ok('recordVialsOpened', { lotId: fa, vials: 1 });
    const lot = supervisorOf(venue).ok('dayReport', {}).lots.find((l) => l.lotId === fa);
    expect(lot).toMatchObject({ doses: 1, vialsOpened: 1, dosesPerVial: 6, difference: 5 });
  });

  it('finds a dose number that breaks the person’s history', () => {
    const venue = newVenue();
    const { first } = morning(venue);
    // As if a record from another device said dose 3 for a person with no dose 2.
    venue.db.prepare(`UPDATE dose_records SET dose_number = 3 WHERE id = ?`).run(first.id);
    const report = supervisorOf(venue).ok('dayReport', {});
    expect(report.discrepancies.find((d) => d.kind === 'dose-history')?.recordIds[0]).toBe(first.id);
  });
});

describe('closing the day', () => {
  it('needs every discrepancy explained; afterwards only a supervisor’s void and re-record change the day', () => {
    const venue = newVenue();
    const { reception, nurse, fa, first } = morning(venue);
    const supervisor = supervisorOf(venue);
    const report = supervisor.ok('dayReport', { closing: true });
    const open = report.discrepancies[0];
    expect(open?.kind).toBe('checked-in-no-dose');

    supervisor.refused('closeDay', { note: '本日分の確認完了', confirmOpen: report.open }, 'UNEXPLAINED_DISCREPANCIES');
    supervisor.refused('explainDiscrepancy', { key: 'checked-in-no-dose:nope', note: 'x' }, 'VALIDATION');
    supervisor.refused('explainDiscrepancy', { key: 'checked-in-no-dose:nope', note: '存在しない' }, 'UNKNOWN_DISCREPANCY');
    supervisor.ok('explainDiscrepancy', { key: open?.key ?? '', note: '体調不良で帰宅（本人確認済み）' });
    expect(supervisor.ok('dayReport', { closing: true }).discrepancies[0]?.explanation?.note).toBe('体調不良で帰宅（本人確認済み）');

    // The close names what is still open and needs exactly those counts confirmed.
    const unconfirmed = supervisor.refused('closeDay', { note: '本日分の確認完了' }, 'OPEN_ITEMS_UNCONFIRMED');
    expect(unconfirmed.message.ja).toContain(`受付済みで未接種 1人、経過観察中 1人、これから来る予約 ${report.open.notYetCome}件`);
    expect(unconfirmed.message.en).toContain('1 checked in and not vaccinated, 1 in observation');
    supervisor.refused('closeDay', { note: '本日分の確認完了', confirmOpen: { ...report.open, waiting: 0 } }, 'OPEN_ITEMS_CHANGED');
    expect(venue.db.prepare(`SELECT count(*) AS n FROM day_close_log`).get()).toEqual({ n: 0 });

    const closed = supervisor.ok('closeDay', { note: '本日分の確認完了', confirmOpen: report.open });
    expect(supervisor.ok('dayReport', {}).closed).toMatchObject({ id: closed.id, note: '本日分の確認完了' });
    supervisor.refused('closeDay', { note: 'もう一度', confirmOpen: report.open }, 'ALREADY_CLOSED');

    // Closed: a person who would be admitted is told the day is closed.
    venue.db.prepare(`UPDATE bookings SET venue_id = 'V001' WHERE ticket_number = ?`).run(T.otherVenue);
    const scanned = reception.ok('scanTicket', { code: `11${M}${T.otherVenue}` });
    expect(scanned.read === 'ticket' && scanned.verdict).toMatchObject({ code: 'DAY_CLOSED', admit: false });
    // No new check-ins or doses by anyone at the desk.
    expect(reception.call('checkIn', { municipality: M, number: T.tooSoon })).toMatchObject({ ok: false, error: { code: 'DAY_CLOSED' } });
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: fa }, 'DAY_CLOSED');

    // The supervisor voids the wrong record and records it again, with reasons.
    supervisor.refused('rerecordDose', { voidedRecordId: first.id, reason: '記録誤り', municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', givenAt: first.givenAt, lotId: fa }, 'NOT_VOIDED');
    supervisor.ok('voidRecord', { recordId: first.id, reason: '医師名の誤り' });
    const again = supervisor.ok('rerecordDose', {
      voidedRecordId: first.id, reason: '医師名を訂正', municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed',
      givenAt: first.givenAt, lotId: fa, site: 'left_arm', doctor: '医師 二郎',
    });
    expect(again.replaces).toBe(first.id);
    supervisor.refused('rerecordDose', { voidedRecordId: first.id, reason: '二重', municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', givenAt: first.givenAt, lotId: fa }, 'ALREADY_RERECORDED');
    const rows = venue.db.prepare(`SELECT id, voided_by, replaces, doctor FROM dose_records WHERE ticket_number = ? ORDER BY recorded_at, id`).all(T.ok) as { id: string; voided_by: string | null; replaces: string | null; doctor: string }[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: first.id, doctor: '医師 一郎' });
    expect(rows[0]?.voided_by).not.toBeNull();
    expect(rows[1]).toMatchObject({ replaces: first.id, doctor: '医師 二郎', voided_by: null });
    const actions = (venue.db.prepare(`SELECT action FROM audit_log WHERE outcome = 'ok' ORDER BY seq`).all() as { action: string }[]).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['closeDay', 'voidRecord', 'rerecordDose', 'explainDiscrepancy']));
  });

  it('a supervisor reopens a closed day with a reason; records made afterwards are ordinary, and the reopen travels as a record', () => {
    const venue = newVenue();
    const { nurse, fa } = morning(venue);
    const supervisor = supervisorOf(venue);
    supervisor.refused('reopenDay', { reason: '理由' }, 'NOT_CLOSED');
    const report = supervisor.ok('dayReport', { closing: true });
    for (const d of report.discrepancies) supervisor.ok('explainDiscrepancy', { key: d.key, note: '確認済み' });
    const closed = supervisor.ok('closeDay', { note: '本日分', confirmOpen: report.open });
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: fa }, 'DAY_CLOSED');
    nurse.refused('reopenDay', { reason: '接種の記録のため' }, 'FORBIDDEN');
    supervisor.refused('reopenDay', { reason: 'x' }, 'VALIDATION');
    const reopened = supervisor.ok('reopenDay', { reason: '待機中の方の接種の記録のため' });
    expect(reopened.closeId).toBe(closed.id);
    const after = supervisor.ok('dayReport', {});
    expect(after.closed).toBeNull();
    expect(after.closeHistory.map((h) => [h.kind, h.text])).toEqual([['close', '本日分'], ['reopen', '待機中の方の接種の記録のため']]);
    // Recorded as an ordinary dose of an open day.
    nurse.ok('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: fa });
    expect(venue.db.prepare(`SELECT count(*) AS n FROM late_records`).get()).toEqual({ n: 0 });
    const outbox = venue.db.prepare(`SELECT kind, body FROM sync_outbox WHERE kind = 'day_reopen'`).all() as { kind: string; body: string }[];
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(outbox[0]?.body ?? '{}')).toMatchObject({ closeId: closed.id, reason: '待機中の方の接種の記録のため' });
    const audited = venue.db.prepare(`SELECT record_id FROM audit_log WHERE action = 'reopenDay' AND outcome = 'ok'`).get() as { record_id: string };
    expect(audited.record_id).toBe(reopened.id);
  });
});

describe('observation after the dose', () => {
  it('counts down 15 minutes, refuses an early release, and marks the person due when time is up', () => {
    const venue = newVenue();
    const { nurse, first } = morning(venue);
    let board = nurse.ok('observationBoard', {});
    expect(board).toHaveLength(1);
    // The morning's clock moved on 3 minutes after this dose.
    expect(board[0]).toMatchObject({ doseId: first.id, minutes: 15, secondsLeft: 12 * 60, due: false, nameKanji: '山田 太郎' });
    nurse.refused('endObservation', { doseId: first.id, outcome: 'released' }, 'NOT_YET');
    venue.clock.advance(12 * 60_000);
    const later = venue.signIn('nurse', 'N1');
    board = later.ok('observationBoard', {});
    expect(board[0]).toMatchObject({ secondsLeft: 0, due: true });
    later.ok('endObservation', { doseId: first.id, outcome: 'released' });
    expect(later.ok('observationBoard', {})).toEqual([]);
    later.refused('endObservation', { doseId: first.id, outcome: 'released' }, 'ALREADY_ENDED');
  });

  it('tells a locked screen when each observation ends, and nothing about whom', () => {
    const venue = newVenue();
    const { nurse, first } = morning(venue);
    nurse.ok('lockSession', {});
    nurse.refused('observationBoard', {}, 'SESSION_LOCKED');
    const times = nurse.ok('observationTimes', {});
    expect(times).toEqual([{ doseId: first.id, endsAt: expect.any(String) }]);
    expect(Date.parse(times[0]?.endsAt ?? '') - Date.parse(first.givenAt)).toBe(15 * 60_000);
    expect(JSON.stringify(times)).not.toMatch(/山田|ヤマダ|0000100001/);
  });

  it('keeps 30 minutes when the nurse asks for it, and a referral needs a note', () => {
    const venue = newVenue();
    const { nurse, fa } = morning(venue);
    const dose = nurse.ok('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: fa, observationMinutes: 30 });
    expect(dose.observationMinutes).toBe(30);
    expect(nurse.ok('observationBoard', {}).find((o) => o.doseId === dose.id)?.minutes).toBe(30);
    nurse.refused('endObservation', { doseId: dose.id, outcome: 'referred' }, 'NOTE_REQUIRED');
    nurse.ok('endObservation', { doseId: dose.id, outcome: 'referred', note: '気分不良のため医師へ' });
  });
});

describe('the VRS export', () => {
  it('writes the day’s performed doses in the VRS fields, reads back in UTF-8 and Shift_JIS, and holds no individual number', () => {
    const venue = newVenue();
    morning(venue);
    const supervisor = supervisorOf(venue);
    for (const encoding of ['utf-8', 'shift_jis'] as const) {
      const file = supervisor.ok('exportDoses', { encoding });
      expect(file.rows).toBe(1);
      const decoded = decodeCsvBytes(Buffer.from(file.csvBase64, 'base64'));
      expect(decoded.encoding).toBe(encoding);
      const records = [...readCsvRecords(decoded.text)].map((r) => r.fields);
      expect(records[0]).toEqual([...VRS_HEADER]);
      expect(records[1]).toEqual(['20261123090700', '20261123', T.ok, M, '区民会館ホール', '医師 一郎', 'ファイザー', 'FA1234']);
      expect(records).toHaveLength(2);
      for (const field of records.flat()) expect(field).not.toMatch(/^\d{12}$/);
    }
  });
});

describe('the VRS export with a record that slipped through', () => {
  it('exports the rest of the day and names the record left out, never its value', () => {
    const venue = newVenue();
    const { nurse, fa } = morning(venue);
    const other = nurse.ok('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', lotId: fa, site: 'left_arm', doctor: '医師 二郎' });
    // As if stored before entries were checked: the doctor's field holds a number in disguise.
    venue.db.prepare(`UPDATE dose_records SET doctor = ? WHERE id = ?`).run('医師 1234.5678.9018', other.id);
    const file = supervisorOf(venue).ok('exportDoses', { encoding: 'utf-8' });
    expect(file.rows).toBe(1);
    expect(file.withheld).toEqual([{ recordId: other.id, column: '医師名' }]);
    const records = [...readCsvRecords(decodeCsvBytes(Buffer.from(file.csvBase64, 'base64')).text)].map((r) => r.fields);
    expect(records).toHaveLength(2);
    expect(JSON.stringify(file) + JSON.stringify(records)).not.toContain('9018');
  });
});

describe('the audit screen', () => {
  it('filters by staff and action and says whether the chain verifies', () => {
    const venue = newVenue();
    morning(venue);
    const supervisor = supervisorOf(venue);
    const nurseId = venue.signIn('nurse', 'N1').ok('whoAmI', {}).staff.id;
    const doses = supervisor.ok('auditLog', { staffId: nurseId, action: 'recordDose' });
    expect(doses.entries).toHaveLength(2);
    expect(doses.entries.every((e) => e.staffId === nurseId && e.action === 'recordDose')).toBe(true);
    expect(doses.chain).toMatchObject({ ok: true, problems: [] });
    venue.db.exec('DROP TRIGGER audit_log_no_update');
    venue.db.prepare(`UPDATE audit_log SET outcome = 'edited' WHERE seq = 2`).run();
    expect(supervisor.ok('auditLog', { limit: 5 }).chain).toMatchObject({ ok: false, problems: [{ seq: 2, kind: 'edited' }] });
  });
});

describe('the VRS rows', () => {
  it('leave out a record with a cell that may hold an individual number, naming record and column but not the value', async () => {
    const { vrsRows } = await import('./vrs');
    const row = { id: 'r1', recordedAt: '2026-11-23T09:07:00+09:00', venueDate: '2026-11-23', ticketNumber: '0000100001', municipality: '131016', venueName: '会場', doctor: null, maker: 'ファイザー', lotNumber: 'FA1234' };
    const file = vrsRows([row, { ...row, id: 'r2', doctor: '123456789018' }, { ...row, id: 'r3', lotNumber: 'L1234.5678.9018' }, { ...row, id: 'r4' }]);
    expect(file.rows.map((r) => r[2])).toEqual(['0000100001', '0000100001']);
    expect(file.withheld).toEqual([
      { recordId: 'r2', column: '医師名' },
      { recordId: 'r3', column: 'ロット番号' },
    ]);
    expect(JSON.stringify(file)).not.toContain('9018');
  });
});
