/**
 * The frame around the work screens: who is signed in at which desk, the
 * screens this role may use, the sync bar, a disk-space warning when it
 * matters, language, lock. The header (navigation, sync bar, warning) stays
 * at the top of the window however far a screen is scrolled. Which screen
 * is up lives in stores/navigation.ts, so unlocking returns to it.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { useVenueEvents } from '../api/events';
import { KeyCue } from '../components/KeyCue';
import { LanguageToggle } from '../components/LanguageToggle';
import { AlertIcon } from '../components/Icons';
import { DiskWarning } from '../components/DiskWarning';
import { SecondFactorSetup } from '../components/SecondFactorSetup';
import { SyncStatus } from '../components/SyncStatus';
import { useWalkInRequests, WalkInBadge } from '../components/WalkInBadge';
import { useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';
import { NurseScreen } from '../screens/NurseScreen';
import { ReceptionScreen } from '../screens/ReceptionScreen';
import { SettingsScreen } from '../screens/SettingsScreen';
import { SupervisorArea } from '../screens/day/SupervisorArea';
import { ObservationScreen } from '../screens/observation/ObservationScreen';
import { useDueCount, useObservationWatch } from '../screens/observation/useObservationWatch';
import { useDesks } from '../stores/desks';
import { useNavigation, type ScreenName } from '../stores/navigation';
import { usePrefs } from '../stores/prefs';
import { useSession, type Role } from '../stores/session';
import { useShortcuts } from './shortcuts';
import { useHealthReports } from './useHealthReports';
import { useIdleLock } from './useIdleLock';

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

/** Desk names for every screen (受付1, not R1): read once, and again when a desk changes. */
function useDeskNames(): void {
  const load = useDesks((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  useVenueEvents(['desk', 'sync'], () => void load());
}

/**
 * The header's height, as --header-h on the page: scrolling something into view (a field taking the
 * focus, the nurse's form) stops below the header that stays at the top, not under it.
 */
function useHeaderHeight(header: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = header.current;
    if (!element) return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty('--header-h', `${Math.ceil(element.getBoundingClientRect().height)}px`));
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--header-h');
    };
  }, [header]);
}

export function Shell() {
  const t = useT();
  const staff = useSession((s) => s.staff);
  const device = useSession((s) => s.device);
  const lock = useSession((s) => s.lock);
  const signOut = useSession((s) => s.signOut);
  const secondFactor = useSession((s) => s.secondFactor);
  const recoveryCodesLeft = useSession((s) => s.recoveryCodesLeft);
  const dismissRecoveryNotice = useSession((s) => s.dismissRecoveryNotice);
  const toggleLanguage = usePrefs((s) => s.toggleLanguage);
  const screen = useNavigation((s) => s.screen);
  const show = useNavigation((s) => s.show);
  const role = staff?.role ?? 'reception';
  useIdleLock();
  useHealthReports();
  useObservationWatch();
  useDeskNames();
  useWalkInRequests(role === 'supervisor');
  const header = useRef<HTMLElement>(null);
  useHeaderHeight(header);
  useShortcuts({ F9: () => void lock(), F8: toggleLanguage });

  const allowed = (Object.keys(SCREENS) as ScreenName[]).filter((name) => SCREENS[name].roles.includes(role));
  const current = screen && allowed.includes(screen) ? screen : HOME[role];

  return (
    <div className="shell" data-role={role} data-screen={current}>
      <header className="shell__header" ref={header}>
        <div className="shell__bar">
          <div className="shell__where">
            <h1 className="shell__venue">{device?.venueName ?? t('app.title')}</h1>
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
                onClick={() => show(name)}
              >
                {t(SCREENS[name].label)}
                {name === 'observation' ? <DueBadge /> : null}
                {name === 'supervisor' ? <WalkInBadge /> : null}
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
        </div>
        <SyncStatus />
        <DiskWarning role={role} />
      </header>
      <main className="shell__main">
        {role === 'supervisor' && secondFactor === 'setup-required' ? <SecondFactorSetup /> : null}
        {recoveryCodesLeft !== null ? (
          <p className="notice" role="status" data-testid="recovery-codes-left">
            {t('signin.recoveryLeft', { n: recoveryCodesLeft })}
            <button type="button" className="button button--quiet" onClick={dismissRecoveryNotice} data-testid="recovery-codes-left-close">
              {t('common.close')}
            </button>
          </p>
        ) : null}
        {current === 'reception' ? <ReceptionScreen /> : null}
        {current === 'nurse' ? <NurseScreen /> : null}
        {current === 'observation' ? <ObservationScreen /> : null}
        {current === 'supervisor' ? <SupervisorArea /> : null}
        {current === 'settings' ? <SettingsScreen /> : null}
      </main>
      <KeyCue />
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
