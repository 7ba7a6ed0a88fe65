import { describe, expect, it } from 'vitest';
import { checkinRecord, dayRecord, doseRecord, newRecordId } from '../../test/sync/support/central';
import { issuesAt, pathText, textFields, withValueAt } from '../../test/support/schema-walk';
import { enrollRequestSchema, uploadRecordSchema, UPLOAD_KINDS, type UploadRecord } from './protocol';

/**
 * Every text field of every kind of record a device uploads, and of the
 * enrollment request, refuses an individual number (walked from the schemas,
 * as for the device contract in src/api/contract-guard.test.ts). The central
 * service validates with these same schemas, so this is its guard too.
 */
const DISGUISES = ['123456789018', '1234.5678.9018', '1234/5678/9018', '1234_5678_9018', '1234-5678-9018', '1234\u200B5678\u200B9018', 'L123456789018', '山田 123456789018', '１２３４５６７８９０１８'];

const NOT_GUARDED: Readonly<Record<string, string>> = {
  'enroll.code': 'a one-time code the central service made; only its hash is kept',
};

const m = { code: '131016', venue: 'V001' };
const request = dayRecord.walkInRequest(m, '0000100001');
const SAMPLES: Record<UploadRecord['kind'], UploadRecord> = {
  checkin: checkinRecord(m, '0000100001', { bookingId: 'BK-1', walkInApprovedBy: 'supervisor-1' }),
  dose: doseRecord(m, '0000100001'),
  void: { kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: newRecordId(), reason: '取り違え', staffId: 'supervisor-1', at: '2026-11-23T11:30:00.000+09:00' } },
  lot: dayRecord.lot(m, { addedBy: 'supervisor-1' }),
  audit_head: { kind: 'audit_head', data: { id: newRecordId(), seq: 3, hash: 'a'.repeat(64), at: '2026-11-23T11:30:00.000+09:00' } },
  resolution: { kind: 'resolution', data: { id: newRecordId(), conflictId: 'c-1', staffId: 'supervisor-1', at: '2026-11-23T12:00:00.000+09:00', note: '確認済み' } },
  walkin_request: request,
  walkin_decision: dayRecord.walkInDecision(request),
  observation_outcome: dayRecord.observationOutcome(m, newRecordId(), { outcome: 'referred', note: '医師へ' }),
  day_close: dayRecord.dayClose(m),
  discrepancy_note: dayRecord.discrepancyNote(m),
  desk_lot: dayRecord.deskLot(m, 'lot-1'),
  lot_vials: dayRecord.lotVials(m, 'lot-1'),
  day_reopen: dayRecord.dayReopen(m, newRecordId()),
  desk_doctor: dayRecord.deskDoctor(m),
};

/** The member of the discriminated union for one kind. */
function schemaOf(kind: UploadRecord['kind']) {
  const member = uploadRecordSchema.options.find((option) => option.shape.kind.value === kind);
  if (!member) throw new Error(`no upload schema for ${kind}`);
  return member;
}

describe('the upload and enrollment schemas', () => {
  it('every text field refuses an individual number, however written', () => {
    const targets = [
      ...UPLOAD_KINDS.map((kind) => ({ name: kind, schema: schemaOf(kind), sample: SAMPLES[kind] as unknown })),
      { name: 'enroll', schema: enrollRequestSchema, sample: { code: 'ABCDE-FGHJK-MNPQR-STVWX', credentialHash: 'a'.repeat(64), deviceName: '受付1' } as unknown },
    ];
    const walked: string[] = [];
    for (const { name, schema, sample } of targets) {
      const valid = schema.safeParse(sample);
      expect(valid.success, `${name} sample: ${JSON.stringify(valid.error?.issues)}`).toBe(true);
      for (const path of textFields(schema)) {
        const field = `${name}.${pathText(path)}`;
        walked.push(field);
        if (field in NOT_GUARDED) continue;
        for (const value of DISGUISES) {
          const parsed = schema.safeParse(withValueAt(sample, path, value));
          expect(parsed.success, `${field} accepted ${JSON.stringify(value)}`).toBe(false);
          if (!parsed.success) expect(issuesAt(parsed.error, path, value).length, `${field} refused ${JSON.stringify(value)} but not at its own path`).toBeGreaterThan(0);
        }
      }
    }
    console.log(`protocol guard: ${walked.length} text fields walked over ${UPLOAD_KINDS.length} record kinds and the enrollment request`);
    for (const field of Object.keys(NOT_GUARDED)) expect(walked, field).toContain(field);
  });
});
