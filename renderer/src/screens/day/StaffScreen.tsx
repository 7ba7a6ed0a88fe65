/**
 * Supervisor → Staff: every account on this device, adding one (own login,
 * own password: shared logins are not allowed), and disabling the account
 * of someone who leaves (their sessions end at once).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call, type Value } from '../../api/venue';
import { TableScroll } from '../../components/TableScroll';
import { useT } from '../../i18n/t';
import type { StringKey } from '../../i18n/strings';
import { useKeptField } from '../../stores/kept';
import { useSession, type Role } from '../../stores/session';

type Staff = Value<'listStaff'>[number];
const ROLES: readonly Role[] = ['reception', 'nurse', 'supervisor'];

export function StaffScreen() {
  const t = useT();
  const me = useSession((s) => s.staff);
  const [staff, setStaff] = useState<Staff[]>([]);
  // What is typed survives a lock for the same supervisor (stores/kept.ts); the password never does.
  const [login, setLogin, resetLogin] = useKeptField('staff.add.login', '');
  const [name, setName, resetName] = useKeptField('staff.add.name', '');
  const [keptRole, setRole, resetRole] = useKeptField('staff.add.role', 'reception');
  const role = ROLES.find((r) => r === keptRole) ?? 'reception';
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const load = useCallback(async () => {
    const reply = await call('listStaff', {});
    if (reply.ok) setStaff(reply.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const say = (error: ReplyError) => setMessage({ tone: 'error', text: t.refusal(error) });

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const reply = await call('createStaff', { login: login.trim(), displayName: name.trim(), role, password });
    setPassword('');
    if (!reply.ok) return say(reply.error);
    setMessage({ tone: 'ok', text: t('staff.created', { name: reply.value.displayName }) });
    resetLogin();
    resetName();
    resetRole();
    await load();
  };

  const toggle = async (member: Staff) => {
    const reply = await call('setStaffDisabled', { staffId: member.id, disabled: !member.disabled });
    if (!reply.ok) return say(reply.error);
    setMessage({ tone: 'ok', text: t(reply.value.disabled ? 'staff.disabledDone' : 'staff.enabledDone', { name: member.displayName }) });
    await load();
  };

  return (
    <div className="screen screen--wide" data-testid="staff-screen">
      <section className="panel" aria-labelledby="staff-title">
        <h2 id="staff-title">{t('staff.title')}</h2>
        <TableScroll label={t('staff.title')}>
          <table className="table">
            <thead>
              <tr>
                <th>{t('signin.login')}</th>
                <th>{t('staff.name')}</th>
                <th>{t('staff.role')}</th>
                <th>{t('sup.status')}</th>
                <th>{t('day.record.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.id} data-testid="staff-row" data-login={s.login} data-disabled={s.disabled ? 'true' : 'false'} className={s.disabled ? 'row--voided-soft' : undefined}>
                  <td className="mono">{s.login}</td>
                  <td>{s.displayName}</td>
                  <td>{t(`role.${s.role}` as StringKey)}</td>
                  <td>{s.disabled ? <strong className="tag tag--bad">{t('staff.disabled')}</strong> : <span className="tag tag--good">{t('staff.active')}</span>}</td>
                  <td>
                    {s.id === me?.id ? null : (
                      <button type="button" className={`button${s.disabled ? '' : ' button--quiet'}`} onClick={() => void toggle(s)} data-testid="staff-toggle">
                        {s.disabled ? t('staff.enable') : t('staff.disable')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <form className="inline-form" onSubmit={(event) => void create(event)} data-testid="staff-form">
          <h3>{t('staff.add')}</h3>
          <label className="field">
            <span>{t('signin.login')}</span>
            <input value={login} onChange={(event) => setLogin(event.target.value)} pattern="[A-Za-z0-9._\-]{3,64}" autoComplete="off" data-testid="staff-login" required />
          </label>
          <label className="field">
            <span>{t('staff.name')}</span>
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={40} autoComplete="off" data-testid="staff-name-input" required />
          </label>
          <label className="field">
            <span>{t('staff.role')}</span>
            <select value={role} onChange={(event) => setRole(event.target.value)} data-testid="staff-role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as StringKey)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('staff.password')}</span>
            <input type="password" value={password} onChange={(event) => setPassword(event.target.value)} minLength={8} autoComplete="new-password" data-testid="staff-password" required />
          </label>
          <button type="submit" className="button button--primary" data-testid="staff-create">
            {t('staff.create')}
          </button>
        </form>
        {message ? (
          <p className={`notice notice--${message.tone}`} role="status" data-testid="staff-message">
            {message.text}
          </p>
        ) : null}
      </section>
    </div>
  );
}
