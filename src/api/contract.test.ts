import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T, demoProductsCsv, demoRosterCsv, ticketLine } from '../../test/fixtures/demo';
import { databaseSnapshot } from '../../test/support/snapshot';
import { useTestVenue, type TestVenue } from '../../test/support/venue';
import { Connection } from './connection';
import { operations, type InputOf, type OperationName } from './contract';
import { OPERATION_NAMES } from './names';

const newVenue = useTestVenue();

/** A valid input for every operation: the compiler makes sure none is missing. */
function samples(venue: TestVenue): { [N in OperationName]: InputOf<N> } {
  const lot = venue.db.prepare(`SELECT id FROM lots ORDER BY lot_number LIMIT 1`).get() as { id: string };
  return {
    signIn: { login: 'kanri', password: 'kanri-pass-1' },
    signOut: {},
    lockSession: {},
    unlockSession: { password: 'whatever-pass' },
    whoAmI: {},
    listStaff: {},
    createStaff: { login: 'new.staff', displayName: '新人 一郎', role: 'reception', password: 'new-staff-pass' },
    setStaffDisabled: { staffId: 'nobody', disabled: true },
    deviceStatus: {},
    setupDevice: {
      venue: { id: 'V9', name: '新会場', municipality: M },
      desk: { id: 'D9', name: '受付9' },
      supervisor: { login: 'boss', displayName: '管理 者', password: 'boss-pass-123' },
    },
    configureDevice: { idleLockMinutes: 10 },
    addDesk: { id: 'R9', name: '受付9' },
    listDesks: {},
    scanTicket: { code: ticketLine(T.ok) },
    checkIn: { municipality: M, number: T.ok },
    vaccinationQueue: {},
    todayCounts: {},
    recordDose: { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', lotId: lot.id },
    getDoseRecord: { id: '01900000-0000-7000-8000-000000000000' },
    dosesToday: {},
    voidRecord: { recordId: '01900000-0000-7000-8000-000000000000', reason: 'テスト' },
    listProducts: {},
    listLots: {},
    addLot: { productId: 'PFZ-COMIRNATY', lotNumber: 'ZZ9999', expiry: '2027-06-30' },
    setDeskLot: { lotId: lot.id },
    scanLot: { code: '(01)04987123456784(17)271231(10)FA1234' },
    importRoster: { csvBase64: demoRosterCsv(venue.today).toString('base64') },
    importProducts: { csvBase64: demoProductsCsv().toString('base64') },
    verifyAudit: {},
    requestWalkIn: { municipality: M, number: T.bookedOtherDay },
    listWalkIns: {},
    decideWalkIn: { requestId: '01900000-0000-7000-8000-000000000000', approve: true, productId: 'PFZ-COMIRNATY', reason: '承認' },
    dayReport: {},
    explainDiscrepancy: { key: 'checked-in-no-dose:01900000-0000-7000-8000-000000000000', note: '確認済み' },
    closeDay: { note: '本日分の確認完了' },
    recordVialsOpened: { lotId: lot.id, vials: 3 },
    rerecordDose: {
      voidedRecordId: '01900000-0000-7000-8000-000000000000', reason: '別人の券で記録したため', municipality: M, ticketNumber: T.ok,
      doseNumber: 1, status: 'performed', givenAt: '2026-11-23T09:00:00+09:00', lotId: lot.id,
    },
    observationBoard: {},
    endObservation: { doseId: '01900000-0000-7000-8000-000000000000', outcome: 'released' },
    exportDoses: { encoding: 'utf-8' },
    auditLog: { limit: 10 },
    dayRecords: { ids: ['01900000-0000-7000-8000-000000000000'] },
    doseSlip: { municipality: M, ticketNumber: T.ok },
    backupNow: {},
    listBackups: {},
    planRestore: { backupId: 'venue-20261123-090000-abcdef.db' },
    restoreBackup: { backupId: 'venue-20261123-090000-abcdef.db', password: 'kanri-pass-1' },
    recoverFromBackup: { backupId: 'venue-20261123-090000-abcdef.db', login: 'kanri', password: 'kanri-pass-1' },
    diskStatus: {},
    syncStatus: {},
    enrollmentStatus: {},
    requestEnrollment: { serverUrl: 'https://central.example.jp:8443', code: 'ABCDE-FGHJK-MNPQR-STVWX' },
    listConflicts: { includeResolved: true },
    resolveConflict: { conflictId: '01900000-0000-7000-8000-000000000000', note: '確認済み' },
  };
}

describe('the contract', () => {
  it('lists exactly the operations the preload exposes', () => {
    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(operations).sort());
  });

  it('every operation declares its roles or that it is public', () => {
    for (const [name, op] of Object.entries(operations)) {
      const declared = 'public' in op.access ? op.access.public : op.access.roles.length > 0;
      expect(declared, name).toBe(true);
    }
  });

  it('refuses an unknown operation, including prototype names', () => {
    const venue = newVenue();
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const reply = venue.dispatcher.call(name, {}, null);
      expect(reply, name).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    }
  });
});

describe('every operation × every role', () => {
  const roles = ['reception', 'nurse', 'supervisor'] as const;
  for (const name of OPERATION_NAMES) {
    const op = operations[name];
    it(`${name}: ${'public' in op.access ? 'public' : op.access.roles.join(', ')}`, () => {
      for (const role of roles) {
        const venue = newVenue();
        const desk = venue.signIn(role, role === 'nurse' ? 'N1' : 'R1');
        const reply = desk.call(name, samples(venue)[name] as never);
        const allowed = 'public' in op.access || op.access.roles.includes(role);
        if (allowed) expect(reply.ok || reply.error.code !== 'FORBIDDEN', `${name} as ${role}`).toBe(true);
        else expect(reply, `${name} as ${role}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
      // Without a session only public operations run.
      const venue = newVenue();
      const reply = venue.anonymous().call(name, samples(venue)[name] as never);
      if ('public' in op.access) expect(reply.ok || reply.error.code !== 'NOT_SIGNED_IN').toBe(true);
      else expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    });
  }
});

/** The sample plus an own "__proto__" key, as JSON.parse makes it. */
function withOwnProto(sample: Record<string, unknown>): unknown {
  const rest = JSON.stringify(sample).slice(1);
  return JSON.parse(`{"__proto__":{"polluted":1}${rest === '}' ? '' : ','}${rest}`);
}

/** Ways to break an input: wrong shapes, wrong field types, unknown fields, oversized strings. */
function malformed(sample: Record<string, unknown>): unknown[] {
  const variants: unknown[] = [undefined, null, 42, 'text', [], [sample], { ...sample, unexpected: 1 }, withOwnProto(sample)];
  for (const [key, value] of Object.entries(sample)) {
    const wrong = typeof value === 'string' ? 12345 : typeof value === 'number' ? 'x'.repeat(10) : typeof value === 'boolean' ? 'yes' : 'not-an-object';
    variants.push({ ...sample, [key]: wrong });
    variants.push({ ...sample, [key]: { nested: value } });
    // '%' is outside base64 too, so CSV payload fields are caught by their schema as well.
    if (typeof value === 'string') variants.push({ ...sample, [key]: '%'.repeat(1_000_000) });
  }
  return variants;
}

describe('malformed input to every operation', () => {
  for (const name of OPERATION_NAMES) {
    it(`${name} refuses it with a validation error and changes nothing`, () => {
      const venue = newVenue();
      const supervisor = venue.signIn('supervisor');
      const sample = samples(venue)[name] as Record<string, unknown>;
      const before = databaseSnapshot(venue.db);
      for (const input of malformed(sample)) {
        const reply = supervisor.connection.call(name, input);
        // Empty-input operations accept {} only; an extra key or a non-object is still invalid.
        expect(reply.ok, `${name} accepted ${JSON.stringify(input)?.slice(0, 80)}`).toBe(false);
        if (!reply.ok) {
          expect(reply.error.code).toBe('VALIDATION');
          expect(reply.error.issues?.length).toBeGreaterThan(0);
        }
      }
      expect(databaseSnapshot(venue.db)).toBe(before);
    });
  }
});

describe('validation errors', () => {
  it('never echo the submitted value', () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    const reply = supervisor.connection.call('createStaff', { login: 'ok.login', displayName: '名前', role: 'boss', password: '123456789018' });
    expect(reply.ok).toBe(false);
    expect(JSON.stringify(reply)).not.toContain('123456789018');
    expect(JSON.stringify(reply)).not.toContain('boss');
  });
});

describe('the connection', () => {
  it('keeps the session token out of what the page receives', () => {
    const venue = newVenue();
    const connection = new Connection(venue.dispatcher);
    const reply = connection.call('signIn', { login: 'uketsuke', password: 'uketsuke-pass-1' });
    expect(reply.ok).toBe(true);
    expect(JSON.stringify(reply)).not.toMatch(/token/);
    expect(connection.call('whoAmI', {})).toMatchObject({ ok: true, value: { staff: { login: 'uketsuke' } } });
  });
});
