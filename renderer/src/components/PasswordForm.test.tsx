// @vitest-environment jsdom
/**
 * The one password form, as sign-in and the lock screen use it: a
 * supervisor's second-factor code is asked (after the password at sign-in,
 * beside it at the lock), sent without the spaces apps show, and a second
 * press while the answer is awaited sends nothing more.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useSession } from '../stores/session';
import { installVenueStub, type VenueStub } from '../test/venue-stub';
import { LockScreen } from '../screens/LockScreen';
import { SignInScreen } from '../screens/SignInScreen';

let venue: VenueStub;
beforeEach(() => {
  venue = installVenueStub();
});
afterEach(cleanup);

const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

describe('sign-in', () => {
  it('asks a supervisor for the code once the password was right, and sends both once', async () => {
    venue.answer('signIn', (input) =>
      (input as { code?: string }).code ? { ok: false, error: { code: 'WRONG_CODE', message: { ja: 'コードが違います。', en: 'Wrong code.' } } } : { ok: false, error: { code: 'SECOND_FACTOR_REQUIRED', message: { ja: 'コードを入力してください。', en: 'Enter the code.' } } },
    );
    render(<SignInScreen />);
    fireEvent.change(field('signin-login'), { target: { value: 'kanri' } });
    fireEvent.change(field('signin-password'), { target: { value: 'pass-word-1' } });
    await act(async () => fireEvent.click(screen.getByTestId('signin-submit')));
    expect(screen.queryByTestId('signin-password')).toBeNull();
    expect(field('signin-login').readOnly).toBe(true);
    fireEvent.change(field('signin-code'), { target: { value: '123 456' } });
    venue.hold();
    fireEvent.click(screen.getByTestId('signin-submit'));
    fireEvent.click(screen.getByTestId('signin-submit'));
    await act(async () => venue.release());
    expect(venue.calls.filter((c) => c.operation === 'signIn').map((c) => c.input)).toEqual([
      { login: 'kanri', password: 'pass-word-1' },
      { login: 'kanri', password: 'pass-word-1', code: '123456' },
    ]);
    expect(screen.getByTestId('signin-error').dataset.code).toBe('WRONG_CODE');
    expect(field('signin-code').value).toBe('');
  });
});

describe('the lock screen', () => {
  it('asks the password and, after a two-factor sign-in, the code beside it', async () => {
    useSession.setState({ staff: { id: 's', login: 'kanri', displayName: '監督 花子', role: 'supervisor' }, secondFactor: 'verified' });
    venue.answer('unlockSession', { ok: false, error: { code: 'WRONG_CREDENTIALS', message: { ja: '違います。', en: 'Wrong.' } } });
    render(<LockScreen />);
    expect((screen.getByTestId('unlock-submit') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(field('unlock-password'), { target: { value: 'pass-word-1' } });
    expect((screen.getByTestId('unlock-submit') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(field('unlock-code'), { target: { value: '654 321' } });
    await act(async () => fireEvent.click(screen.getByTestId('unlock-submit')));
    expect(venue.calls.filter((c) => c.operation === 'unlockSession').map((c) => c.input)).toEqual([{ password: 'pass-word-1', code: '654321' }]);
    expect(screen.getByTestId('unlock-error').dataset.code).toBe('WRONG_CREDENTIALS');
    expect(field('unlock-password').value).toBe('');
  });
});
