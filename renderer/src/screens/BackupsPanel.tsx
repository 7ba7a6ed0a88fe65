/**
 * Backups, for a supervisor (Settings) and for recovery mode: the kept
 * encrypted backups, newest first; what restoring one would change, said
 * before anything changes; the restore itself, confirmed with a password.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, type Value } from '../api/venue';
import { formatDateTime } from '../i18n/format';
import { useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';

type Backup = Value<'listBackups'>[number];
type Plan = Value<'planRestore'>;

const TABLES = [
  'checkins', 'dose_records', 'voids', 'walk_in_requests', 'observations', 'lot_vials', 'discrepancy_notes', 'day_closes', 'desk_lot_history', 'lots',
  'day_close_log', 'day_reopens', 'desk_doctors',
];

/** Said before anything changes: what the backup holds, and what made since will be carried over into it. */
function PlanTable({ plan }: { plan: Plan }) {
  const t = useT();
  const tables = [...new Set([...TABLES, ...Object.keys(plan.backup.counts), ...Object.keys(plan.carriedOver)])];
  const label = (table: string) => (TABLES.includes(table) ? t(`backup.table.${table}` as StringKey) : table);
  return (
    <table className="table" data-testid="restore-counts">
      <thead>
        <tr>
          <th>{t('backup.kind')}</th>
          <th className="num">{t('backup.inBackup')}</th>
          <th className="num">{plan.currentReadable ? t('backup.carried') : t('backup.carriedUnknown')}</th>
        </tr>
      </thead>
      <tbody>
        {tables.map((table) => (
          <tr key={table} data-testid="restore-count" data-table={table} data-in-backup={plan.backup.counts[table] ?? 0} data-carried={plan.carriedOver[table] ?? 0}>
            <td>{label(table)}</td>
            <td className="num">{plan.backup.counts[table] ?? 0}</td>
            <td className="num">{plan.currentReadable ? (plan.carriedOver[table] ?? 0) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BackupsPanel({ recovery = false }: { recovery?: boolean }) {
  const t = useT();
  const [backups, setBackups] = useState<Backup[]>([]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const load = useCallback(async () => {
    const reply = await call('listBackups', {});
    if (reply.ok) setBackups(reply.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const backupNow = async () => {
    const reply = await call('backupNow', {});
    setMessage(reply.ok ? { tone: 'ok', text: t('backup.made') } : { tone: 'error', text: t.refusal(reply.error) });
    await load();
  };

  const choose = async (backupId: string) => {
    setChosen(backupId);
    setPlan(null);
    const reply = await call('planRestore', { backupId });
    if (reply.ok) setPlan(reply.value);
    else setMessage({ tone: 'error', text: t.refusal(reply.error) });
  };

  const restore = async () => {
    if (!chosen) return;
    const reply = recovery
      ? await call('recoverFromBackup', { backupId: chosen, login: login.trim(), password, ...(code.trim() ? { code: code.replace(/\s+/g, '') } : {}) })
      : await call('restoreBackup', { backupId: chosen, password });
    setPassword('');
    setCode('');
    setMessage(reply.ok ? { tone: 'ok', text: t('backup.restoring') } : { tone: 'error', text: t.refusal(reply.error) });
  };

  return (
    <section className="panel" aria-labelledby="backups-title" data-testid="backups">
      <h2 id="backups-title">{t('backup.title')}</h2>
      <p className="panel__hint">{t('backup.lead')}</p>
      {!recovery ? (
        <button type="button" className="button" onClick={() => void backupNow()} data-testid="backup-now">
          {t('backup.now')}
        </button>
      ) : null}
      {backups.length === 0 ? <p className="empty">{t('backup.none')}</p> : null}
      <table className="table">
        <tbody>
          {backups.map((b) => (
            <tr key={b.id} data-testid="backup-row">
              <td>
                {t('backup.created')} {formatDateTime(b.createdAt, t.language)}
              </td>
              <td className="mono">{Math.round(b.sizeBytes / 1024)} kB</td>
              <td>
                <button type="button" className="button button--quiet" onClick={() => void choose(b.id)} data-testid="backup-plan">
                  {t('backup.plan')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {plan ? (
        <div className="restore" data-testid="restore-plan">
          <p data-testid="restore-summary">{t.pick(plan.summary)}</p>
          <PlanTable plan={plan} />
          {recovery ? (
            <label className="field">
              <span>{t('recovery.login')}</span>
              <input value={login} onChange={(event) => setLogin(event.target.value)} autoComplete="username" data-testid="restore-login" />
            </label>
          ) : null}
          <label className="field">
            <span>{t('backup.password')}</span>
            <input type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="current-password" data-testid="restore-password" />
          </label>
          {recovery ? (
            // The supervisor's second factor as kept in the backup (a supervisor who had none leaves it empty).
            <label className="field">
              <span>{t('signin.code')}</span>
              <input inputMode="numeric" autoComplete="one-time-code" maxLength={16} value={code} onChange={(event) => setCode(event.target.value)} data-testid="restore-code" />
            </label>
          ) : null}
          <button type="button" className="button button--danger" disabled={!password || (recovery && !login.trim())} onClick={() => void restore()} data-testid="restore-submit">
            {t('backup.restore')}
          </button>
        </div>
      ) : null}
      {message ? (
        <p className={`notice notice--${message.tone}`} role="status" data-testid="backup-message">
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
