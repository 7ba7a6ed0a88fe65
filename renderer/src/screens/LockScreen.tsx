/**
 * The idle lock. Everything personal has already been wiped from memory and
 * the screen; only the signed-in person's own name is shown, so they know
 * whose password opens it. Someone else signs the session out and signs in.
 * What the person was entering waits for them (stores/privacy.ts), and the
 * observation board keeps counting and ringing underneath, without names.
 */
import { LockedBoard } from '../components/LockedBoard';
import { PasswordForm, usePasswordEntry } from '../components/PasswordForm';
import { useT } from '../i18n/t';
import { useSession } from '../stores/session';

export function LockScreen() {
  const t = useT();
  const staff = useSession((s) => s.staff);
  // A supervisor who signed in with a code unlocks with one too.
  const needsCode = useSession((s) => s.secondFactor === 'verified');
  const unlock = useSession((s) => s.unlock);
  const signOut = useSession((s) => s.signOut);
  const entry = usePasswordEntry();

  const submit = async () => {
    await entry.send((password, code) => unlock(password, needsCode ? code : undefined));
    entry.clearPassword();
  };

  return (
    <PasswordForm
      name="unlock"
      screenTestId="lock-screen"
      locked
      title={t('lock.title')}
      lead={t('lock.lead')}
      passwordLabel={t('lock.password')}
      submitLabel={t('lock.unlock')}
      askPassword
      askCode={needsCode}
      {...entry.fields}
      onSubmit={() => void submit()}
      actions={
        <button type="button" className="button button--quiet button--wide" data-testid="lock-signout" onClick={() => void signOut()}>
          {t('lock.other')}
        </button>
      }
    >
      {staff ? (
        <p className="gate__device">
          {t('lock.who')}: <strong data-testid="lock-staff">{staff.displayName}</strong>
        </p>
      ) : null}
      <LockedBoard />
    </PasswordForm>
  );
}
