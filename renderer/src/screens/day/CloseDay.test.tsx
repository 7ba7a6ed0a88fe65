// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Value } from '../../api/venue';
import { useDay, type DayReport } from '../../stores/day';
import { installVenueStub, type VenueStub } from '../../test/venue-stub';
import { CloseDay } from './CloseDay';

afterEach(cleanup);

/** The day's report as the core sends it (typed by the contract), with things still open. */
function reportOf(patch: Partial<DayReport> = {}): DayReport {
  return {
    venueId: 'V001',
    venueName: '区民会館ホール',
    date: '2026-11-23',
    counts: { booked: 8, checkedIn: 5, noShows: 0, notYetCome: 3, vaccinated: 2, notVaccinated: 0, walkIns: 0, voided: 0, pendingSync: 4, confirmed: 0, conflicts: 0 },
    byDose: [],
    byProduct: [],
    lots: [],
    notVaccinatedReasons: [],
    hourly: [],
    medianSecondsToDose: null,
    medianSecondsToDoseByDesk: [],
    discrepancies: [],
    closed: null,
    closing: true,
    open: { waiting: 2, observing: 1, notYetCome: 3, unsent: 4 },
    closeHistory: [],
    ...patch,
  } satisfies DayReport;
}

let venue: VenueStub;

beforeEach(() => {
  venue = installVenueStub();
  venue.answer('dayReport', { ok: true, value: reportOf() });
  venue.answer('dayRecords', { ok: false, error: { code: 'NOT_HERE', message: { ja: '-', en: '-' } } });
  venue.answer('listStaff', { ok: true, value: [] });
  venue.answer('listLots', { ok: true, value: [] });
  useDay.setState({ closing: false, date: '2026-11-23' });
});

const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;

async function startClosing(note = '本日分の確認完了'): Promise<void> {
  fireEvent.change(screen.getByTestId('close-note'), { target: { value: note } });
  await act(async () => fireEvent.click(button('close-day')));
}

describe('closing the day', () => {
  it('needs a note before it starts', () => {
    render(<CloseDay report={reportOf()} />);
    expect(button('close-day').disabled).toBe(true);
    fireEvent.change(screen.getByTestId('close-note'), { target: { value: '済' } });
    expect(button('close-day').disabled).toBe(true);
    fireEvent.change(screen.getByTestId('close-note'), { target: { value: '済み' } });
    expect(button('close-day').disabled).toBe(false);
  });

  it('shows the open counts, and closes only once they are confirmed, sending exactly the counts shown', async () => {
    venue.answer('closeDay', { ok: true, value: { id: 'close-1', venueId: 'V001', date: '2026-11-23', staffId: 's1', at: '2026-11-23T18:00:00+09:00', note: '本日分の確認完了' } satisfies Value<'closeDay'> });
    render(<CloseDay report={reportOf()} />);
    await startClosing();
    expect(screen.getByTestId('open-waiting').textContent).toBe('受付済みで未接種 2人');
    expect(screen.getByTestId('open-observing').textContent).toBe('経過観察中 1人');
    expect(screen.getByTestId('open-not-yet-come').textContent).toBe('これから来る予約 3件');
    expect(screen.getByTestId('open-unsent').textContent).toBe('未送信の記録 4件');
    // Not confirmed: the close cannot be sent.
    expect(button('close-confirm-submit').disabled).toBe(true);
    fireEvent.click(button('close-confirm-submit'));
    expect(venue.calls.filter((c) => c.operation === 'closeDay')).toEqual([]);
    fireEvent.click(screen.getByTestId('close-confirm-check'));
    expect(button('close-confirm-submit').disabled).toBe(false);
    await act(async () => fireEvent.click(button('close-confirm-submit')));
    expect(venue.calls.filter((c) => c.operation === 'closeDay')).toEqual([
      { operation: 'closeDay', input: { date: '2026-11-23', note: '本日分の確認完了', confirmOpen: { waiting: 2, observing: 1, notYetCome: 3, unsent: 4 } } },
    ]);
  });

  it('when the counts changed meanwhile, shows the refusal and asks for the confirmation again', async () => {
    venue.answer('closeDay', { ok: false, error: { code: 'OPEN_ITEMS_CHANGED', message: { ja: '締める間に数が変わりました。確かめてください。', en: 'The counts changed.' } } });
    render(<CloseDay report={reportOf()} />);
    await startClosing();
    fireEvent.click(screen.getByTestId('close-confirm-check'));
    await act(async () => fireEvent.click(button('close-confirm-submit')));
    expect(screen.getByTestId('close-error').textContent).toBe('締める間に数が変わりました。確かめてください。');
    expect((screen.getByTestId('close-confirm-check') as HTMLInputElement).checked).toBe(false);
    expect(button('close-confirm-submit').disabled).toBe(true);
  });

  it('cannot close while a discrepancy is unexplained, even confirmed', async () => {
    const unexplained = { key: 'waiting:1', kind: 'waiting', recordIds: ['c1'], message: { ja: '受付済みで未接種', en: 'Checked in, not vaccinated' }, explanation: null };
    render(<CloseDay report={reportOf({ discrepancies: [unexplained] })} />);
    expect(screen.getByTestId('close-day-state').textContent).toContain('1');
    await startClosing();
    fireEvent.click(screen.getByTestId('close-confirm-check'));
    expect(button('close-confirm-submit').disabled).toBe(true);
  });
});
