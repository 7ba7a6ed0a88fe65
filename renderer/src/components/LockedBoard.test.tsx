// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useObservation } from '../stores/observation';
import { installVenueStub, type VenueStub } from '../test/venue-stub';
import { LockedBoard } from './LockedBoard';

let venue: VenueStub;
const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();
const alerts = () => Number(document.documentElement.dataset.soundAlert ?? '0');

beforeAll(() => {
  // jsdom plays no media: the sound's counter is what is checked.
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  venue = installVenueStub();
});

afterEach(cleanup);

describe('the observation board behind the lock screen', () => {
  it('counts who is under observation and who is due, rings once for each newly due person, and names nobody', async () => {
    venue.answer('observationTimes', { ok: true, value: [{ doseId: 'd1', endsAt: iso(-60_000) }, { doseId: 'd2', endsAt: iso(10 * 60_000) }] });
    const before = alerts();
    render(<LockedBoard />);
    const board = await screen.findByTestId('lock-observation');
    await act(async () => undefined);
    expect(board.dataset.observing).toBe('2');
    expect(board.dataset.due).toBe('1');
    expect(board.getAttribute('role')).toBe('alert');
    expect(alerts()).toBe(before + 1);

    // Another person's time comes up (a dose recorded at another desk, pushed by the core).
    venue.answer('observationTimes', { ok: true, value: [{ doseId: 'd1', endsAt: iso(-60_000) }, { doseId: 'd2', endsAt: iso(-1_000) }, { doseId: 'd3', endsAt: iso(15 * 60_000) }] });
    await act(async () => venue.emit({ type: 'dose' }));
    expect(board.dataset.observing).toBe('3');
    expect(board.dataset.due).toBe('2');
    expect(alerts()).toBe(before + 2);
    expect(board.textContent).toMatch(/経過観察中 3人/);
    expect(board.textContent).toMatch(/2人/);
    expect(useObservation.getState().entries).toEqual([]);
  });
});
