// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useWalkInWatch } from '../stores/walkins';
import { installVenueStub, type VenueStub } from '../test/venue-stub';
import { useWalkInRequests, WalkInBadge } from './WalkInBadge';

let venue: VenueStub;
const sounds = () => Number(document.documentElement.dataset.soundWalkIn ?? '0');
const request = (id: string, status: 'pending' | 'approved') => ({ id, status, requestedAt: '2026-11-23T09:40:00+09:00', deskId: 'R1', verdictCode: 'NOT_BOOKED_TODAY', reason: null, person: null, contact: null });

function SupervisorTab() {
  useWalkInRequests(true);
  return <WalkInBadge />;
}

beforeAll(() => {
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  venue = installVenueStub();
});

afterEach(cleanup);

describe('walk-in requests on every supervisor screen', () => {
  it('shows how many wait, and sounds for a request that arrives, not for those already waiting', async () => {
    venue.answer('listWalkIns', { ok: true, value: [request('w1', 'pending'), request('w0', 'approved')] } as never);
    const before = sounds();
    render(<SupervisorTab />);
    const badge = await screen.findByTestId('walk-in-badge');
    expect(badge.dataset.count).toBe('1');
    expect(badge.textContent).toContain('当日受付 1');
    expect(sounds()).toBe(before);

    venue.answer('listWalkIns', { ok: true, value: [request('w1', 'pending'), request('w2', 'pending'), request('w0', 'approved')] } as never);
    await act(async () => venue.emit({ type: 'walk-in', id: 'w2' }));
    expect(badge.dataset.count).toBe('2');
    expect(sounds()).toBe(before + 1);

    // Decided: the badge goes; the same request never sounds again.
    venue.answer('listWalkIns', { ok: true, value: [request('w1', 'approved'), request('w2', 'approved')] } as never);
    await act(async () => venue.emit({ type: 'walk-in', id: 'w2' }));
    expect(screen.queryByTestId('walk-in-badge')).toBeNull();
    expect(sounds()).toBe(before + 1);
    expect(useWalkInWatch.getState().pending).toEqual([]);
  });
});
