/**
 * Which screen is up follows the session: setup on a new device, sign-in,
 * the lock screen (nothing personal mounted at all), or the work screens.
 */
import { useEffect } from 'react';
import { subscribe } from '../api/events';
import { endSessionData } from '../stores/privacy';
import { useT } from '../i18n/t';
import { LockScreen } from '../screens/LockScreen';
import { RecoveryScreen } from '../screens/RecoveryScreen';
import { SetupScreen } from '../screens/SetupScreen';
import { SignInScreen } from '../screens/SignInScreen';
import { TrainingBand } from '../screens/TrainingPanel';
import { useSession } from '../stores/session';
import { Shell } from './Shell';

function HostBanner() {
  const t = useT();
  const down = useSession((s) => s.transportDown);
  if (!down) return null;
  return (
    <p className="banner banner--error" role="alert" data-testid="host-down">
      {t('app.hostDown')}
    </p>
  );
}

export function App() {
  const t = useT();
  const status = useSession((s) => s.status);
  const bootError = useSession((s) => s.bootError);
  const boot = useSession((s) => s.boot);
  const language = t.language;

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  useEffect(() => {
    void boot();
    return subscribe((event) => {
      if (event.type === 'transport:closed') useSession.getState().setTransport(true);
      // A backup was restored, or the device switched into or out of training: every session of the
      // database before is gone; start over (the band follows deviceStatus).
      if (event.type === 'restored' || event.type === 'training') {
        endSessionData();
        void useSession.getState().boot();
      }
      if (event.type === 'transport:open' && useSession.getState().transportDown) {
        // A new connection holds no session: ask again who is here.
        useSession.getState().setTransport(false);
        void useSession.getState().boot();
      }
    });
  }, [boot]);

  let body;
  if (status === 'booting') {
    body = (
      <main className="gate" data-testid="screen-loading">
        <p className="gate__lead">{bootError ? t.refusal(bootError) : t('app.loading')}</p>
      </main>
    );
  } else if (status === 'setup') body = <SetupScreen />;
  else if (status === 'recovery') body = <RecoveryScreen />;
  else if (status === 'signed-out') body = <SignInScreen />;
  else if (status === 'locked') body = <LockScreen />;
  else body = <Shell />;

  return (
    <>
      <TrainingBand />
      <HostBanner />
      {body}
    </>
  );
}
