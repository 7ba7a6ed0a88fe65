// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { installVenueStub } from '../../test/venue-stub';
import { VoidControl } from './VoidControl';

afterEach(cleanup);

describe('VoidControl', () => {
  it('voids once however fast the confirm button is clicked twice', async () => {
    const venue = installVenueStub();
    venue.answer('voidRecord', { ok: true, value: { id: 'void-1' } });
    venue.hold();
    let voided = 0;
    render(<VoidControl recordId="dose-1" onVoided={() => (voided += 1)} />);
    fireEvent.click(screen.getByTestId('void-button'));
    fireEvent.change(screen.getByTestId('void-reason'), { target: { value: '別人に記録' } });
    const confirm = screen.getByTestId('void-confirm');
    // A double click: the second must land on a button the first has already disabled.
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    await act(async () => venue.release());
    expect(venue.calls.filter((c) => c.operation === 'voidRecord')).toEqual([{ operation: 'voidRecord', input: { recordId: 'dose-1', reason: '別人に記録' } }]);
    expect(voided).toBe(1);
  });

  it('needs a reason of two characters or more, and shows a refusal in the staff’s words', async () => {
    const venue = installVenueStub();
    venue.answer('voidRecord', { ok: false, error: { code: 'DAY_CLOSED', message: { ja: 'この日は締められています。', en: 'The day is closed.' } } });
    render(<VoidControl recordId="dose-1" onVoided={() => undefined} />);
    fireEvent.click(screen.getByTestId('void-button'));
    expect((screen.getByTestId('void-confirm') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('void-reason'), { target: { value: '誤' } });
    expect((screen.getByTestId('void-confirm') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('void-reason'), { target: { value: '誤記録' } });
    await act(async () => fireEvent.click(screen.getByTestId('void-confirm')));
    expect((await screen.findByRole('alert')).textContent).toBe('この日は締められています。');
  });
});
