import { beforeAll, describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { issueEnrollmentCode } from '../../server/enrollment';
import { DEMO_NOW } from '../support/venue';
import { DEMO_TICKETS as T, seedMunicipality, type SeededMunicipality, useServedCentral } from './support/central';
import { createHttpTransport } from '../../src/sync/http-transport';
import type { SyncTransport } from '../../src/sync/transport';
import { until, useDevices } from './support/devices';

/**
 * A device proves to the central service what it holds as confirmed, at
 * every sync, and sends again what the service no longer has, whatever the
 * feed's sequence says. Here the service loses records without any restore
 * (rows gone from its tables): nothing about the feed changes, so only the
 * comparison can notice.
 */
const today = venueDate(new Date(DEMO_NOW));
const newDevice = useDevices();
let m: SeededMunicipality;

const central = useServedCentral();

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today });
});

describe('the comparison of confirmed records', () => {
  it('sends again, once, what the central service lost, and says so in the device’s audit log', async () => {
    // The real HTTP transport, counting the comparisons the device asks for.
    const http = createHttpTransport();
    let comparisons = 0;
    const transport: SyncTransport = {
      send: (request) => {
        if (request.path === '/v1/reconcile') comparisons += 1;
        return http.send(request);
      },
      close: () => http.close?.(),
    };
    const device = newDevice({ transport, tuning: { reconcileIntervalMs: 300, reconcileMinGapMs: 50 } });
    const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: 'N1' }, new Date());
    await device.enroll(central.served.url, code);
    const lot = device.signIn('supervisor').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'FA1234', expiry: '2027-06-30' });
    const nurse = device.signIn('nurse');
    const doses = [T.ok, T.okSecond, T.okNw7].map((ticketNumber) => nurse.ok('recordDose', { municipality: m.code, ticketNumber, doseNumber: ticketNumber === T.okSecond ? 2 : 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id }).id);
    await until(() => device.open() === 0, 10_000, 'the doses to be confirmed');
    const held = async () => (await central.db.query<{ id: string }>(`SELECT id FROM dose_records WHERE id = ANY($1::text[])`, [doses])).map((r) => r.id).sort();
    expect(await held()).toEqual([...doses].sort());

    // Gone centrally; the device still holds them as confirmed.
    await central.db.query(`DELETE FROM dose_records WHERE id = ANY($1::text[])`, [doses.slice(0, 2)]);
    const back = await until(async () => (await held()).length === doses.length, 10_000, 'the lost doses to be sent again', 50);
    console.log(`reconcile: 2 doses lost centrally, back in ${back.toFixed(0)} ms`);
    await until(() => device.open() === 0, 5_000, 'the outbox to empty again');
    const resends = () => device.db.prepare(`SELECT detail FROM audit_log WHERE action = 'syncResend'`).all() as { detail: string }[];
    expect(resends().map((r) => JSON.parse(r.detail) as unknown)).toEqual([{ records: 2, reason: 'central-lacks-confirmed' }]);
    expect(device.errors.map(String).join()).toContain('lacks 2 record(s)');
    // Comparisons go on and send nothing more: three more of them (each the moment a resend would be decided), not a pause.
    const seen = comparisons;
    await until(() => comparisons >= seen + 3, 10_000, 'three more comparisons');
    expect(resends()).toHaveLength(1);
    expect(device.open()).toBe(0);
  });
});
