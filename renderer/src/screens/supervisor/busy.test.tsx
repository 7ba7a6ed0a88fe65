// @vitest-environment jsdom
/**
 * The supervisor's writes go once however fast a button is pressed twice:
 * a double click on approve decides the walk-in once, a double press on the
 * desk doctor's set sends it once, a double click on resolve resolves the
 * conflict once.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Value } from '../../api/venue';
import { usePrefs } from '../../stores/prefs';
import { endSessionData } from '../../stores/privacy';
import { installVenueStub, type VenueStub } from '../../test/venue-stub';
import { SupervisorScreen } from '../SupervisorScreen';

type WalkIn = Value<'listWalkIns'>[number];
type Desk = Value<'listDesks'>[number];
type Conflict = Value<'listConflicts'>[number];

const WALK_IN = {
  id: 'walkin-1',
  status: 'pending',
  requestedAt: '2026-11-23T09:40:00+09:00',
  deskId: 'R1',
  verdictCode: 'NOT_BOOKED_TODAY',
  reason: null,
  contact: null,
  person: null,
} as unknown as WalkIn;
const DESK = { id: 'N1', name: '接種ブース1', activeLotId: null, activeLotNumber: null, productName: null, doctor: null } as unknown as Desk;
const CONFLICT = { id: 'conflict-1', municipality: '131016', ticketNumber: '0000100001', doseNumber: 1, nameKanji: '', records: [], resolvedAt: null } as unknown as Conflict;

let venue: VenueStub;

beforeEach(() => {
  endSessionData();
  // The lot form's scanner by the handheld only: no camera (nor its decoding worker) in jsdom.
  usePrefs.setState({ scannerMode: 'handheld' });
  venue = installVenueStub();
  venue.answer('todayCounts', { ok: true, value: { date: '2026-11-23', booked: 0, checkedIn: 0, vaccinated: 0, notVaccinated: 0, waiting: 0 } });
  venue.answer('listDesks', { ok: true, value: [DESK] });
  venue.answer('listLots', { ok: true, value: [] });
  venue.answer('listProducts', { ok: true, value: [{ id: 'PFZ', name: 'コミナティ筋注', maker: 'ファイザー' }] } as never);
  venue.answer('listWalkIns', { ok: true, value: [WALK_IN] });
  venue.answer('dosesToday', { ok: true, value: [] });
  venue.answer('vaccinationQueue', { ok: true, value: [] });
  venue.answer('listConflicts', { ok: true, value: [CONFLICT] });
  venue.answer('readerHealth', { ok: false, error: { code: 'X', message: { ja: '-', en: '-' } } });
  venue.answer('decideWalkIn', { ok: true, value: {} } as never);
  venue.answer('setDeskDoctor', { ok: true, value: {} } as never);
  venue.answer('resolveConflict', { ok: true, value: {} } as never);
});
afterEach(cleanup);

function sent(operation: string): unknown[] {
  return venue.calls.filter((c) => c.operation === operation).map((c) => c.input);
}

/** Two presses before the first answer comes. */
async function pressTwice(testId: string): Promise<void> {
  venue.hold();
  const button = screen.getByTestId(testId);
  fireEvent.click(button);
  fireEvent.click(button);
  await act(async () => venue.release());
}

describe('the supervisor’s buttons that write', () => {
  it('decide a walk-in once on a double click', async () => {
    render(<SupervisorScreen />);
    fireEvent.change(await screen.findByTestId('walk-in-reason'), { target: { value: '本人の希望' } });
    await pressTwice('walk-in-approve');
    expect(sent('decideWalkIn')).toEqual([{ requestId: 'walkin-1', approve: true, productId: 'PFZ', reason: '本人の希望' }]);
  });

  it('set the desk doctor once on a double press', async () => {
    render(<SupervisorScreen />);
    fireEvent.change(await screen.findByTestId('desk-doctor-input'), { target: { value: '午後 医師' } });
    await pressTwice('desk-doctor-set');
    expect(sent('setDeskDoctor')).toEqual([{ deskId: 'N1', doctor: '午後 医師' }]);
  });

  it('resolve a conflict once on a double click', async () => {
    render(<SupervisorScreen />);
    fireEvent.change(await screen.findByTestId('conflict-note'), { target: { value: '同じ人の二重記録' } });
    await pressTwice('conflict-resolve');
    expect(sent('resolveConflict')).toEqual([{ conflictId: 'conflict-1', note: '同じ人の二重記録' }]);
  });
});
