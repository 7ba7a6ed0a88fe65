/**
 * Settings: this device (venue, desk, idle lock; a supervisor changes them),
 * the central service address, the camera, the scanner mode, sounds (on,
 * volume, this desk's tone, a test), language, and the keyboard shortcuts.
 */
import { useEffect, useState } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { call, hasOperation, type Value } from '../api/venue';
import { LanguageToggle } from '../components/LanguageToggle';
import { SoundSettings } from '../components/SoundSettings';
import { TestScan } from '../components/TestScan';
import { useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';
import { usePrefs, type ScannerMode } from '../stores/prefs';
import { useKeptForm } from '../stores/kept';
import { useSession } from '../stores/session';
import { useSync } from '../stores/sync';
import { BackupsPanel } from './BackupsPanel';
import { TrainingPanel } from './TrainingPanel';

type Desk = Value<'listDesks'>[number];

const MODES: readonly ScannerMode[] = ['both', 'handheld', 'camera'];

export const SHORTCUTS: readonly (readonly [string, StringKey])[] = [
  ['Enter / F2', 'shortcuts.checkIn'],
  ['Esc', 'shortcuts.clear'],
  ['F4', 'shortcuts.manual'],
  ['F9', 'shortcuts.lock'],
  ['F8', 'shortcuts.language'],
];

function useCameras(): { deviceId: string; label: string }[] {
  const [cameras, setCameras] = useState<{ deviceId: string; label: string }[]>([]);
  useEffect(() => {
    let cancelled = false;
    void navigator.mediaDevices
      ?.enumerateDevices()
      .then((devices) => {
        if (!cancelled) setCameras(devices.filter((d) => d.kind === 'videoinput').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` })));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return cameras;
}

export function DeviceSection() {
  const t = useT();
  const device = useSession((s) => s.device);
  const staff = useSession((s) => s.staff);
  const refreshDevice = useSession((s) => s.refreshDevice);
  const isSupervisor = staff?.role === 'supervisor';
  const [desks, setDesks] = useState<Desk[]>([]);
  const [form, setForm, resetForm] = useKeptForm('settings.device', { deskId: device?.deskId ?? '', idle: String(device?.idleLockMinutes ?? 5) });
  const { deskId, idle } = form;
  const [result, setResult] = useState<{ ok: boolean; error?: ReplyError } | null>(null);

  useEffect(() => {
    void call('listDesks', {}).then((reply) => reply.ok && setDesks(reply.value));
  }, []);

  const save = async () => {
    const minutes = Number(idle);
    const reply = await call('configureDevice', {
      ...(deskId && deskId !== device?.deskId ? { deskId } : {}),
      ...(Number.isInteger(minutes) && minutes !== device?.idleLockMinutes ? { idleLockMinutes: minutes } : {}),
    });
    setResult(reply.ok ? { ok: true } : { ok: false, error: reply.error });
    if (reply.ok) resetForm();
    await refreshDevice();
  };

  return (
    <section className="panel" aria-labelledby="device-title" data-testid="settings-device">
      <h2 id="device-title">{t('settings.device')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('settings.venue')}</dt>
          <dd data-testid="settings-venue">
            {device?.venueName ?? '—'} <small className="mono">{device?.venueId}</small>
          </dd>
        </div>
        <div>
          <dt>{t('settings.municipality')}</dt>
          <dd className="mono">{device?.defaultMunicipality ?? '—'}</dd>
        </div>
      </dl>
      <label className="field">
        <span>{t('settings.desk')}</span>
        <select value={deskId} onChange={(event) => setForm({ deskId: event.target.value })} disabled={!isSupervisor} data-testid="settings-desk">
          {desks.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.id})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.idleLock')}</span>
        <input type="number" min={1} max={60} value={idle} onChange={(event) => setForm({ idle: event.target.value })} disabled={!isSupervisor} data-testid="settings-idle" />
      </label>
      {isSupervisor ? (
        <button type="button" className="button button--primary" onClick={() => void save()} data-testid="settings-save">
          {t('settings.save')}
        </button>
      ) : (
        <p className="field__hint">{t('settings.supervisorOnly')}</p>
      )}
      {result ? (
        <p className={`notice notice--${result.ok ? 'ok' : 'error'}`} role="status">
          {result.ok ? t('settings.saved') : t.refusal(result.error)}
        </p>
      ) : null}
    </section>
  );
}

export function SettingsScreen() {
  const t = useT();
  const prefs = usePrefs();
  const sync = useSync((s) => s.view);
  const cameras = useCameras();
  const isSupervisor = useSession((s) => s.staff?.role === 'supervisor');
  return (
    <div className="screen screen--settings" data-testid="screen-settings">
      <div className="screen__wide">
        <DeviceSection />
        <section className="panel" aria-labelledby="central-title">
          <h2 id="central-title">{t('settings.central')}</h2>
          <p className="mono" data-testid="settings-central">
            {sync.central ?? t('settings.centralNone')}
          </p>
        </section>
        <section className="panel" aria-labelledby="scan-title">
          <h2 id="scan-title">{t('settings.scanning')}</h2>
          <label className="field">
            <span>{t('settings.camera')}</span>
            <select value={prefs.cameraId} onChange={(event) => prefs.set({ cameraId: event.target.value })} data-testid="settings-camera">
              <option value="">{t('scanner.cameraAuto')}</option>
              {cameras.map((c) => (
                <option key={c.deviceId} value={c.deviceId}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend>{t('settings.scannerMode')}</legend>
            <div className="chips chips--column">
              {MODES.map((mode) => (
                <label key={mode} className={`chip${prefs.scannerMode === mode ? ' chip--on' : ''}`}>
                  <input type="radio" name="scanner-mode" value={mode} checked={prefs.scannerMode === mode} onChange={() => prefs.set({ scannerMode: mode })} data-testid={`scanner-mode-${mode}`} />
                  {t(`settings.mode.${mode}` as StringKey)}
                </label>
              ))}
            </div>
          </fieldset>
          <TestScan />
        </section>
        <SoundSettings />
        {isSupervisor && hasOperation('listBackups') ? <BackupsPanel /> : null}
        <TrainingPanel />
        <section className="panel" aria-labelledby="lang-title">
          <h2 id="lang-title">{t('settings.language')}</h2>
          <LanguageToggle testId="settings-language" />
        </section>
        <section className="panel" aria-labelledby="keys-title">
          <h2 id="keys-title">{t('settings.shortcuts')}</h2>
          <table className="table" data-testid="shortcuts">
            <tbody>
              {SHORTCUTS.map(([key, label]) => (
                <tr key={key}>
                  <td>
                    <kbd>{key}</kbd>
                  </td>
                  <td>{t(label)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
