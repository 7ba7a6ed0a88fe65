import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { Connection } from '../../src/api/connection';
import { useAuditKey } from '../../src/audit/log';
import { operations, type InputOf, type OperationName, type OutputOf } from '../../src/api/contract';
import { Dispatcher } from '../../src/api/dispatcher';
import type { Reply } from '../../src/api/reply';
import { ManualClock, venueDate } from '../../src/common/time';
import type { Role } from '../../src/staff/roles';
import { openVenueDatabase, type VenueDb } from '../../src/store/database';
import { writeDeviceSettings } from '../../src/store/settings';
import { seedDemoVenue } from '../../src/training/demo-venue';
import { DEMO_MUNICIPALITY, DEMO_STAFF, DEMO_TICKETS } from '../fixtures/demo';
import { secondFactorCode } from './second-factor';
import { useTempDir } from './temp';

/** A typed caller around a Connection, for tests. */
export class Desk {
  constructor(readonly connection: Pick<Connection, 'call'>) {}

  call<N extends OperationName>(name: N, input: InputOf<N>): Reply<OutputOf<N>> {
    return this.connection.call(name, input) as Reply<OutputOf<N>>;
  }

  /** Calls and expects success; the value, typed. */
  ok<N extends OperationName>(name: N, input: InputOf<N>): OutputOf<N> {
    const reply = this.call(name, input);
    if (!reply.ok) expect.fail(`${name} was refused: ${reply.error.code} ${reply.error.message.en}`);
    return reply.value;
  }

  /** Calls and expects a refusal with this code; the error. */
  refused<N extends OperationName>(name: N, input: InputOf<N>, code: string) {
    const reply = this.call(name, input);
    if (reply.ok) expect.fail(`${name} should have been refused with ${code}`);
    expect(reply.error.code).toBe(code);
    return reply.error;
  }
}

export interface TestVenue {
  readonly db: VenueDb;
  readonly path: string;
  readonly key: Buffer;
  readonly auditKey: Buffer;
  readonly clock: ManualClock;
  readonly dispatcher: Dispatcher;
  readonly today: string;
  /** A new connection for a desk, signed in as the demo staff member of that role. */
  signIn(role: Role, deskId?: string): Desk;
  /** A connection that has not signed in. */
  anonymous(): Desk;
}

/** Venue-day morning: 09:00 in Japan. */
export const DEMO_NOW = '2026-11-23T09:00:00+09:00';

export function useTestVenue(): (options?: { now?: string; seed?: boolean }) => TestVenue {
  const newDir = useTempDir('venue-kit-');
  const open: VenueDb[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });
  return (options = {}) => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    const db = openVenueDatabase({ path, key });
    // Keyed like the runtime's connection.
    const auditKey = randomBytes(32);
    useAuditKey(db, auditKey);
    open.push(db);
    const clock = new ManualClock(options.now ?? DEMO_NOW);
    if (options.seed ?? true) seedDemoVenue(db, clock.now());
    const dispatcher = new Dispatcher({ db, operations, clock, onInternalError: (op, error) => console.error(op, error) });
    const anonymous = () => new Desk(new Connection(dispatcher));
    return {
      db,
      path,
      key,
      auditKey,
      clock,
      dispatcher,
      today: venueDate(clock.now()),
      anonymous,
      signIn(role, deskId) {
        const desk = anonymous();
        const staff = DEMO_STAFF[role];
        if (deskId) {
          writeDeviceSettings(db, { deskId });
        }
        const code = secondFactorCode(db, staff.login, clock.now().getTime());
        desk.ok('signIn', { login: staff.login, password: staff.password, ...(code ? { code } : {}) });
        return desk;
      },
    };
  };
}

/** The demo venue's seeding (src/training/demo-venue.ts): the browser host's --demo and training mode seed the same. */
export { seedDemoVenue };

/** A demo person checked in and given a dose at the venue's first lot (dose 2 for the demo's second-dose ticket), as the desks do. */
export function recordDemoDose(venue: TestVenue, number: string) {
  venue.signIn('reception').ok('checkIn', { municipality: DEMO_MUNICIPALITY, number });
  const nurse = venue.signIn('nurse', 'N1');
  const lot = nurse.ok('listLots', {})[0]?.id;
  return nurse.ok('recordDose', { municipality: DEMO_MUNICIPALITY, ticketNumber: number, doseNumber: number === DEMO_TICKETS.okSecond ? 2 : 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot });
}
