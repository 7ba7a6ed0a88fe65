import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { fakeMyNumber } from '../../test/fixtures/roster';
import { useTestVenue } from '../../test/support/venue';

const newVenue = useTestVenue();

/** 鈴木 花子: dose 1 of コミナティ 60 days ago, booked here today for dose 2 of コミナティ. */
function setUp() {
  const venue = newVenue();
  venue.signIn('reception').ok('checkIn', { municipality: M, number: T.okSecond });
  const nurse = venue.signIn('nurse', 'N1');
  const lots = nurse.ok('listLots', {});
  const lot = (number: string) => lots.find((l) => l.lotNumber === number)?.id ?? '';
  return { venue, nurse, comirnaty: lot('FA1234'), spikevax: lot('MS0001') };
}

const dose2 = { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'performed', site: 'left_arm', doctor: '予診 医師' } as const;

describe('the product checks at the nurse’s form', () => {
  it('shows the booked product and the doses before, and no check for the booked product', () => {
    const { nurse, comirnaty } = setUp();
    const context = nurse.ok('doseContext', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, lotId: comirnaty });
    expect(context.booked).toMatchObject({ productId: 'PFZ-COMIRNATY', productName: 'コミナティ筋注', source: 'booking', slotStart: '10:30' });
    expect(context.previous).toEqual([{ dose: 1, date: '2026-09-24', productId: 'PFZ-COMIRNATY', productName: 'コミナティ筋注', place: '区民会館ホール' }]);
    expect(context.checks).toEqual([]);
    expect(nurse.ok('recordDose', { ...dose2, lotId: comirnaty }).checks).toBeNull();
  });

  it('stops the save with another product than booked and given before, saying what and what to do; nothing is written', () => {
    const { venue, nurse, spikevax } = setUp();
    const context = nurse.ok('doseContext', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, lotId: spikevax });
    // 60 days after dose 1: long enough for スパイクバックス (28 days); the product itself is the problem.
    expect(context.checks.map((c) => c.code)).toEqual(['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS']);
    const refused = nurse.refused('recordDose', { ...dose2, lotId: spikevax }, 'CHECK_CONFIRMATION_REQUIRED');
    expect(refused.message.ja).toContain('ロットの製品（スパイクバックス筋注）が予約の製品（コミナティ筋注）と違います');
    expect(refused.message.ja).toContain('前回（1回目、令和8年9月24日（2026年9月24日））はコミナティ筋注です');
    expect(refused.message.ja).toContain('理由を入力して記録してください');
    expect(refused.message.en).toContain('Choose the right lot, or confirm with the doctor');
    // Confirming only one of the two, or without a reason, is not enough.
    nurse.refused('recordDose', { ...dose2, lotId: spikevax, confirmChecks: { codes: ['PRODUCT_NOT_BOOKED'], reason: '医師の判断' } }, 'CHECK_CONFIRMATION_REQUIRED');
    nurse.refused('recordDose', { ...dose2, lotId: spikevax, confirmChecks: { codes: ['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS'], reason: ' ' } }, 'CHECK_CONFIRMATION_REQUIRED');
    nurse.refused('recordDose', { ...dose2, lotId: spikevax, confirmChecks: { codes: ['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS'], reason: `本人 ${fakeMyNumber(3)}` } }, 'INDIVIDUAL_NUMBER');
    expect(venue.db.prepare(`SELECT count(*) AS n FROM dose_records`).get()).toEqual({ n: 0 });
    expect(venue.db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE kind = 'dose'`).get()).toEqual({ n: 0 });
  });

  it('saves once confirmed with a reason; the record, its outbox body and the day report keep the confirmation', () => {
    const { venue, nurse, spikevax } = setUp();
    const saved = nurse.ok('recordDose', { ...dose2, lotId: spikevax, confirmChecks: { codes: ['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS'], reason: '在庫切れ・医師判断' } });
    expect(saved.checks).toEqual({ codes: ['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS'], reason: '在庫切れ・医師判断' });
    const body = JSON.parse((venue.db.prepare(`SELECT body FROM sync_outbox WHERE record_id = ?`).get(saved.id) as { body: string }).body) as { checks: unknown };
    expect(body.checks).toEqual({ codes: ['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS'], reason: '在庫切れ・医師判断' });
    const report = venue.signIn('supervisor').ok('dayReport', {});
    const flagged = report.discrepancies.filter((d) => d.kind === 'product-check');
    expect(flagged).toHaveLength(1);
    expect(flagged[0]?.recordIds).toEqual([saved.id]);
    expect(flagged[0]?.message.ja).toContain('在庫切れ・医師判断');
    expect(flagged[0]?.message.ja).toContain('予約と違う製品');
  });

  it('the product master’s interval and age range, too: too soon, too young', () => {
    const { venue, nurse, comirnaty } = setUp();
    venue.db.prepare(`UPDATE products SET min_interval_days = 90 WHERE id = 'PFZ-COMIRNATY'`).run();
    const soon = nurse.ok('doseContext', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, lotId: comirnaty });
    expect(soon.checks.map((c) => c.code)).toEqual(['INTERVAL_TOO_SHORT']);
    // Dates in the staff's style (src/common/dates.ts), never ISO: the previous dose's day in both calendars.
    expect(soon.checks[0]?.message.ja).toContain('90日以上あけます（2026年12月23日以降）');
    expect(soon.checks[0]?.message.en).toContain('from 23 Dec 2026');
    expect(JSON.stringify(soon.checks[0]?.message)).not.toMatch(/\d{4}[-/]\d{1,2}[-/]\d{1,2}/);
    venue.db.prepare(`UPDATE products SET min_interval_days = 21, min_age = 60 WHERE id = 'PFZ-COMIRNATY'`).run();
    const young = nurse.ok('doseContext', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, lotId: comirnaty });
    expect(young.checks.map((c) => c.code)).toEqual(['AGE_OUT_OF_RANGE']);
    expect(young.checks[0]?.message.ja).toContain('54歳です。コミナティ筋注の対象は60歳以上です。');
  });

  it('a dose not given needs no lot, no site and no doctor; a dose given needs the site and the doctor, each named', () => {
    const { venue, nurse, comirnaty } = setUp();
    const both = nurse.refused('recordDose', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'performed', lotId: comirnaty }, 'MISSING_FIELDS');
    expect(both.message.ja).toContain('接種部位と予診医が入力されていません');
    expect(both.message.en).toContain('the injection site and the doctor');
    const doctor = nurse.refused('recordDose', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'performed', lotId: comirnaty, site: 'right_arm', doctor: '  ' }, 'MISSING_FIELDS');
    expect(doctor.message.ja).toContain('予診医が入力されていません');
    expect(doctor.message.ja).not.toContain('接種部位');
    expect(venue.db.prepare(`SELECT count(*) AS n FROM dose_records`).get()).toEqual({ n: 0 });
    expect(nurse.ok('recordDose', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'not_performed', reason: '発熱のため' }).status).toBe('not_performed');
  });
});

describe('the desk’s doctor', () => {
  it('a supervisor sets it per desk for the day; the desks list shows it; later settings replace earlier ones', () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    supervisor.refused('setDeskDoctor', { deskId: 'NOPE', doctor: '医師 一郎' }, 'UNKNOWN_DESK');
    venue.signIn('nurse', 'N1').refused('setDeskDoctor', { deskId: 'N1', doctor: '医師 一郎' }, 'FORBIDDEN');
    supervisor.ok('setDeskDoctor', { deskId: 'N1', doctor: '医師 一郎' });
    venue.clock.advance(60_000);
    supervisor.ok('setDeskDoctor', { deskId: 'N1', doctor: '医師 二郎' });
    const desks = venue.signIn('nurse', 'N1').ok('listDesks', {});
    expect(desks.find((d) => d.id === 'N1')?.doctor).toBe('医師 二郎');
    expect(desks.find((d) => d.id === 'R1')?.doctor).toBeNull();
    // The next day's session starts without one.
    venue.clock.advance(24 * 60 * 60_000);
    expect(venue.signIn('nurse', 'N1').ok('listDesks', {}).find((d) => d.id === 'N1')?.doctor).toBeNull();
    expect(venue.db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE kind = 'desk_doctor'`).get()).toEqual({ n: 2 });
  });
});
