/**
 * The frame around the work screens: who is signed in at which desk, the
 * screens this role may use, the sync bar (always visible), a disk-space
 * warning when it matters, language, lock.
 */
import { useState } from 'react';
import { LanguageToggle } from '../components/LanguageToggle';
import { AlertIcon } from '../components/Icons';
import { DiskWarning } from '../components/DiskWarning';
import { SecondFactorSetup } from '../components/SecondFactorSetup';
import { SyncStatus } from '../components/SyncStatus';
import { useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';
import { NurseScreen } from '../screens/NurseScreen';
import { ReceptionScreen } from '../screens/ReceptionScreen';
import { SettingsScreen } from '../screens/SettingsScreen';
import { SupervisorArea } from '../screens/day/SupervisorArea';
import { ObservationScreen } from '../screens/observation/ObservationScreen';
import { useDueCount, useObservationWatch } from '../screens/observation/useObservationWatch';
import { usePrefs } from '../stores/prefs';
import { useSession, type Role } from '../stores/session';
import { useShortcuts } from './shortcuts';
import { useHealthReports } from './useHealthReports';
import { useIdleLock } from './useIdleLock';

export type ScreenName = 'reception' | 'nurse' | 'observation' | 'supervisor' | 'settings';

const SCREENS: Readonly<Record<ScreenName, { label: StringKey; roles: readonly Role[] }>> = {
  reception: { label: 'nav.reception', roles: ['reception', 'supervisor'] },
  nurse: { label: 'nav.nurse', roles: ['nurse', 'supervisor'] },
  observation: { label: 'nav.observation', roles: ['reception', 'nurse', 'supervisor'] },
  supervisor: { label: 'nav.supervisor', roles: ['supervisor'] },
  settings: { label: 'nav.settings', roles: ['reception', 'nurse', 'supervisor'] },
};

const HOME: Readonly<Record<Role, ScreenName>> = { reception: 'reception', nurse: 'nurse', supervisor: 'supervisor' };

/** On the observation tab, wherever the desk is: how many people's time is up, in words and an icon. */
function DueBadge() {
  const t = useT();
  const due = useDueCount();
  if (due === 0) return null;
  return (
    <span className="badge badge--alert" data-testid="observation-due-badge" data-due={due}>
      <AlertIcon /> {t('obs.dueBadge', { n: due })}
    </span>
  );
}

export function Shell() {
  const t = useT();
  const staff = useSession((s) => s.staff);
  const device = useSession((s) => s.device);
  const lock = useSession((s) => s.lock);
  const signOut = useSession((s) => s.signOut);
  const secondFactor = useSession((s) => s.secondFactor);
  const recoveryCodesLeft = useSession((s) => s.recoveryCodesLeft);
  const toggleLanguage = usePrefs((s) => s.toggleLanguage);
  const role = staff?.role ?? 'reception';
  const [screen, setScreen] = useState<ScreenName>(HOME[role]);
  useIdleLock();
  useHealthReports();
  useObservationWatch();
  useShortcuts({ F9: () => void lock(), F8: toggleLanguage });

  const allowed = (Object.keys(SCREENS) as ScreenName[]).filter((name) => SCREENS[name].roles.includes(role));
  const current = allowed.includes(screen) ? screen : HOME[role];

  return (
    <div className="shell" data-role={role}>
      <header className="shell__header">
        <div className="shell__where">
          <strong className="shell__venue">{device?.venueName ?? t('app.title')}</strong>
          <span className="shell__desk" data-testid="desk-name">
            {device?.deskName ?? device?.deskId}
          </span>
        </div>
        <nav className="shell__nav" aria-label={t('nav.main')}>
          {allowed.map((name) => (
            <button
              key={name}
              type="button"
              className={`tab${current === name ? ' tab--on' : ''}`}
              aria-current={current === name ? 'page' : undefined}
              data-testid={`nav-${name}`}
              onClick={() => setScreen(name)}
            >
              {t(SCREENS[name].label)}
              {name === 'observation' ? <DueBadge /> : null}
            </button>
          ))}
        </nav>
        <div className="shell__who">
          <span data-testid="staff-name">{staff?.displayName}</span>
          <small>{t(`role.${role}` as StringKey)}</small>
        </div>
        <div className="shell__tools">
          <LanguageToggle />
          <button type="button" className="button button--quiet" data-testid="lock-button" onClick={() => void lock()}>
            {t('nav.lock')} <kbd>F9</kbd>
          </button>
          <button type="button" className="button button--quiet" data-testid="signout-button" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <SyncStatus />
      <DiskWarning role={role} />
      <main className="shell__main">
        {role === 'supervisor' && secondFactor === 'setup-required' ? <SecondFactorSetup /> : null}
        {recoveryCodesLeft !== null ? (
          <p className="notice" role="status" data-testid="recovery-codes-left">
            {t('signin.recoveryLeft', { n: recoveryCodesLeft })}
          </p>
        ) : null}
        {current === 'reception' ? <ReceptionScreen /> : null}
        {current === 'nurse' ? <NurseScreen /> : null}
        {current === 'observation' ? <ObservationScreen /> : null}
        {current === 'supervisor' ? <SupervisorArea /> : null}
        {current === 'settings' ? <SettingsScreen /> : null}
      </main>
      <footer className="shell__footer" aria-hidden="true">
        <span>
          <kbd>Enter</kbd>/<kbd>F2</kbd> {t('shortcuts.checkIn')}
        </span>
        <span>
          <kbd>Esc</kbd> {t('shortcuts.clear')}
        </span>
        <span>
          <kbd>F4</kbd> {t('shortcuts.manual')}
        </span>
        <span>
          <kbd>F8</kbd> {t('shortcuts.language')}
        </span>
        <span>
          <kbd>F9</kbd> {t('shortcuts.lock')}
        </span>
      </footer>
    </div>
  );
}
