import { beforeAll, describe, expect, it } from 'vitest';
import type { UploadRecord, UploadResult } from '../src/sync/protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import {
  centralSnapshot,
  checkinRecord,
  dayRecord,
  doseRecord,
  enrollDirect,
  newRecordId,
  seedMunicipality,
  useCentralDb,
  type SeededMunicipality,
} from '../test/sync/support/central';
import type { CentralDb } from './db';
import type { DeviceRow } from './device-row';
import { Problem } from './problems';
import { storeRecords } from './records';

/**
 * A record id belongs to whoever stored it first (its venue, municipality
 * and device), and no upload may reach another venue's record through it:
 * not by a decoy of the device's own venue carrying the other record's id
 * earlier in the same batch, not by a decoy or a reference stored in an
 * earlier batch, not across venues of one municipality nor across
 * municipalities. Covered: every kind that voids, decides, settles or names
 * another record (void of a dose or a check-in, walk-in decision, observation
 * outcome, desk lot, vials count, conflict resolution).
 */
const central = useCentralDb();
let db: CentralDb;
let m: SeededMunicipality;
let other: SeededMunicipality;
/** The attacker: a desk of m's first venue. */
let attacker: DeviceRow;
let attackerTwin: DeviceRow;
/** Victims: m's second venue, and a venue of another municipality. */
let sameMunicipality: DeviceRow;
let otherMunicipality: DeviceRow;
const now = new Date('2026-11-23T03:00:00Z');

async function deviceRow(venueId: string, deskId: string): Promise<DeviceRow> {
  const { deviceId } = await enrollDirect(db, venueId, deskId);
  const [row] = await db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [deviceId]);
  if (!row) throw new Error('no device');
  return row;
}

beforeAll(async () => {
  db = central();
  m = await seedMunicipality(db, { today: '2026-11-23' });
  other = await seedMunicipality(db, { today: '2026-11-23' });
  attacker = await deviceRow(m.venue, 'R1');
  attackerTwin = await deviceRow(m.venue, 'R2');
  sameMunicipality = await deviceRow(m.otherVenue, 'R1');
  otherMunicipality = await deviceRow(other.venue, 'R1');
});

interface Victim {
  readonly name: string;
  readonly device: () => DeviceRow;
  readonly place: () => { code: string; venue: string };
}

const VICTIMS: readonly Victim[] = [
  { name: 'another venue of the same municipality', device: () => sameMunicipality, place: () => ({ code: m.code, venue: m.otherVenue }) },
  { name: 'a venue of another municipality', device: () => otherMunicipality, place: () => ({ code: other.code, venue: other.venue }) },
];

/** The attacker's own venue and municipality. */
const own = () => ({ code: m.code, venue: m.venue });

async function stored(device: DeviceRow, records: readonly UploadRecord[]): Promise<UploadResult[]> {
  const results = await storeRecords(db, device, records, now);
  for (const result of results) expect(['stored', 'conflict'], JSON.stringify(result)).toContain(result.status);
  return results;
}

/** The whole batch is refused as reaching another venue, and nothing at all is written. */
async function refusedWhole(device: DeviceRow, records: readonly UploadRecord[]): Promise<void> {
  const before = await centralSnapshot(db);
  const error = await storeRecords(db, device, records, now).then(
    (results) => new Error(`stored: ${JSON.stringify(results.map((r) => r.status))}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Problem);
  expect(error).toMatchObject({ status: 403, code: 'RECORD_FOR_OTHER_VENUE' });
  expect(await centralSnapshot(db)).toBe(before);
}

async function voidedBy(table: 'dose_records' | 'checkins', id: string): Promise<string | null | undefined> {
  const [row] = await db.query<{ voided_by: string | null }>(`SELECT voided_by FROM ${table} WHERE id = $1`, [id]);
  return row?.voided_by;
}

function voidOf(targetKind: 'dose' | 'checkin', targetId: string): UploadRecord {
  return { kind: 'void', data: { id: newRecordId(), targetKind, targetId, reason: '取り違え', staffId: 's', at: '2026-11-23T11:00:00.000+09:00' } };
}

/** The target's kind made with the attacker's own venue, carrying the target's id: a decoy. */
function decoyOf(target: UploadRecord): UploadRecord {
  switch (target.kind) {
    case 'dose':
      return { ...doseRecord(own(), T.okNw7), data: { ...doseRecord(own(), T.okNw7).data, id: target.data.id } } as UploadRecord;
    case 'checkin':
      return { ...checkinRecord(own(), T.okNw7), data: { ...checkinRecord(own(), T.okNw7).data, id: target.data.id } } as UploadRecord;
    case 'walkin_request':
      return dayRecord.walkInRequest(own(), T.otherVenue, { id: target.data.id });
    case 'lot':
      return dayRecord.lot(own(), { id: target.data.id });
    default:
      throw new Error(`no decoy for ${target.kind}`);
  }
}

describe.each(VICTIMS)('voids reaching $name', (victim) => {
  for (const targetKind of ['dose', 'checkin'] as const) {
    const table = targetKind === 'dose' ? 'dose_records' : 'checkins';
    const make = () => (targetKind === 'dose' ? doseRecord(victim.place(), T.ok) : checkinRecord(victim.place(), T.ok));

    it(`a decoy ${targetKind} with the target's id earlier in the same batch does not let a void through`, async () => {
      const target = make();
      await stored(victim.device(), [target]);
      await refusedWhole(attacker, [decoyOf(target), voidOf(targetKind, target.data.id)]);
      expect(await voidedBy(table, target.data.id)).toBeNull();
    });

    it(`a decoy ${targetKind} refused in an earlier batch does not let a later void through`, async () => {
      const target = make();
      await stored(victim.device(), [target]);
      const [decoy] = await storeRecords(db, attacker, [decoyOf(target)], now);
      expect(decoy).toMatchObject({ status: 'rejected', error: { code: 'ID_REUSED' } });
      await refusedWhole(attacker, [voidOf(targetKind, target.data.id)]);
      expect(await voidedBy(table, target.data.id)).toBeNull();
    });

    it(`a void stored before the ${targetKind} it names arrives from the other venue does not void it`, async () => {
      const target = make();
      // The void comes first (as voids may, after a central restore): nothing to check it against yet.
      await stored(attacker, [voidOf(targetKind, target.data.id)]);
      await stored(victim.device(), [target]);
      expect(await voidedBy(table, target.data.id)).toBeNull();
    });

    it(`an exact copy of the other venue's void of a ${targetKind} is not taken as the attacker's own`, async () => {
      const target = make();
      const theirs = voidOf(targetKind, target.data.id);
      // Their void before its target (nothing to check a copy against but the void itself).
      await stored(victim.device(), [theirs]);
      const before = await centralSnapshot(db);
      const [answer] = await storeRecords(db, attacker, [theirs], now);
      expect(answer).toMatchObject({ status: 'rejected', error: { code: 'ID_REUSED' } });
      expect(await centralSnapshot(db)).toBe(before);
      await stored(victim.device(), [target]);
      expect(await voidedBy(table, target.data.id)).toBe(theirs.data.id);
    });
  }
});

it('a void of one kind stored earlier does not void a record of the other kind with that id', async () => {
  const dose = doseRecord(own(), T.tooSoon);
  await stored(attacker, [voidOf('checkin', dose.data.id)]);
  await stored(attackerTwin, [dose]);
  expect(await voidedBy('dose_records', dose.data.id)).toBeNull();
});

describe.each(VICTIMS)('the supervisor’s day reaching $name', (victim) => {
  it('a decoy walk-in request in the same batch does not let a decision on their request through', async () => {
    const theirs = dayRecord.walkInRequest(victim.place(), T.otherVenue);
    await stored(victim.device(), [theirs]);
    const decoy = decoyOf(theirs);
    if (decoy.kind !== 'walkin_request') throw new Error('not a request');
    await refusedWhole(attacker, [decoy, dayRecord.walkInDecision(decoy)]);
  });

  it('a decision stored before their request arrives is never counted against their request', async () => {
    const theirs = dayRecord.walkInRequest(victim.place(), T.otherVenue);
    const ours = dayRecord.walkInDecision(dayRecord.walkInRequest(own(), T.otherVenue, { id: theirs.data.id }));
    await stored(attacker, [ours]);
    await stored(victim.device(), [theirs, dayRecord.walkInDecision(theirs)]);
    const [open] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conflicts WHERE subject = $1`, [theirs.data.id]);
    expect(open?.n).toBe(0);
  });

  it('a decoy dose in the same batch does not let an observation outcome of their dose through', async () => {
    const theirs = doseRecord(victim.place(), T.ok);
    await stored(victim.device(), [theirs]);
    await refusedWhole(attacker, [decoyOf(theirs), dayRecord.observationOutcome(own(), theirs.data.id)]);
  });

  it('a decoy lot in the same batch does not let a desk lot or a vials count of their lot through', async () => {
    const theirs = dayRecord.lot({ venue: victim.place().venue });
    await stored(victim.device(), [theirs]);
    await refusedWhole(attacker, [decoyOf(theirs), dayRecord.deskLot(own(), theirs.data.id)]);
    await refusedWhole(attacker, [decoyOf(theirs), dayRecord.lotVials(own(), theirs.data.id)]);
  });

  it('decoys refused in an earlier batch do not let the references through later', async () => {
    const request = dayRecord.walkInRequest(victim.place(), T.otherVenue);
    const dose = doseRecord(victim.place(), T.okSecond, { doseNumber: 2 });
    const lot = dayRecord.lot({ venue: victim.place().venue });
    await stored(victim.device(), [request, dose, lot]);
    const answers = await storeRecords(db, attacker, [decoyOf(request), decoyOf(dose), decoyOf(lot)], now);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const decoyRequest = decoyOf(request);
    if (decoyRequest.kind !== 'walkin_request') throw new Error('not a request');
    await refusedWhole(attacker, [dayRecord.walkInDecision(decoyRequest)]);
    await refusedWhole(attacker, [dayRecord.observationOutcome(own(), dose.data.id)]);
    await refusedWhole(attacker, [dayRecord.deskLot(own(), lot.data.id)]);
    await refusedWhole(attacker, [dayRecord.lotVials(own(), lot.data.id)]);
  });
});

describe('conflict resolutions and audit heads', () => {
  it('a venue not involved in a conflict cannot resolve it, from this municipality or another', async () => {
    const a = doseRecord(own(), T.outOfOrder, { doseNumber: 3 });
    const b = doseRecord(own(), T.outOfOrder, { doseNumber: 3 });
    await stored(attacker, [a]);
    const [clash] = await storeRecords(db, attackerTwin, [b], now);
    const conflictId = clash?.conflict?.id ?? '';
    expect(conflictId).not.toBe('');
    const resolution = (): UploadRecord => ({ kind: 'resolution', data: { id: newRecordId(), conflictId, staffId: 's', at: '2026-11-23T12:00:00.000+09:00', note: '他会場から解決' } });
    await refusedWhole(sameMunicipality, [resolution()]);
    await refusedWhole(otherMunicipality, [resolution()]);
    // The venue's own resolution, copied by another venue, stays the venue's own.
    const ours = resolution();
    await stored(attacker, [ours]);
    await refusedWhole(sameMunicipality, [ours]);
  });

  it('another venue’s device sending an exact copy of an audit head does not make it its own', async () => {
    const head: UploadRecord = { kind: 'audit_head', data: { id: newRecordId(), seq: 7, hash: 'b'.repeat(64), at: '2026-11-23T10:00:00.000+09:00' } };
    await stored(sameMunicipality, [head]);
    const before = await centralSnapshot(db);
    const [answer] = await storeRecords(db, otherMunicipality, [head], now);
    expect(answer).toMatchObject({ status: 'rejected', error: { code: 'ID_REUSED' } });
    expect(await centralSnapshot(db)).toBe(before);
    // The same venue's other desk (a device enrolled again after a restore) gets its "duplicate".
    const [again] = await storeRecords(db, await deviceRow(m.otherVenue, 'R1'), [head], now);
    expect(again?.status).toBe('duplicate');
  });
});
