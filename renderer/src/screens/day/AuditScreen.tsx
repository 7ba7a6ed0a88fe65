/**
 * Supervisor → Audit: the operation log, newest first, filtered by staff,
 * action and time, and whether its hash chain verifies. A break is flagged
 * in colour and in words, with each problem listed. Entries are in staff
 * words (AuditEntries.tsx): labels, names, details on request.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call, type Value } from '../../api/venue';
import { AlertIcon, CheckIcon } from '../../components/Icons';
import { formatDateTime } from '../../i18n/format';
import { actionLabel, AUDIT_ACTIONS } from '../../i18n/operations';
import { useT } from '../../i18n/t';
import { useKeptForm } from '../../stores/kept';
import type { StringKey } from '../../i18n/strings';
import { AuditEntries } from './AuditEntries';
import { venueInstant } from './format';

type Audit = Value<'auditLog'>;
type Staff = Value<'listStaff'>[number];

/** Reads the screens make on their own every few seconds; hidden by default so the actions people took stand out. */
const ROUTINE = new Set([
  'syncStatus', 'whoAmI', 'deviceStatus', 'vaccinationQueue', 'todayCounts', 'observationBoard', 'observationTimes', 'listLots', 'listDesks',
  'listProducts', 'listWalkIns', 'listConflicts', 'ticketVerdict', 'dosesToday', 'dayReport', 'dayRecords', 'listStaff', 'listBackups', 'enrollmentStatus', 'auditLog', 'diskStatus',
]);
const SHOWN = 200;

/** The filters as typed ('1' or '0' for hiding routine reads): kept through the lock (stores/kept.ts). */
interface Filters extends Record<string, string> {
  staffId: string;
  action: string;
  from: string;
  to: string;
  hideRoutine: '1' | '0';
}

const NO_FILTERS: Filters = { staffId: '', action: '', from: '', to: '', hideRoutine: '1' };

/** A datetime-local value (venue time) as an instant. */
function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const [date, time] = local.split('T');
  return date && time ? venueInstant(date, time) : undefined;
}

function ChainStatus({ chain }: { chain: Audit['chain'] }) {
  const t = useT();
  return (
    <div className={`chain chain--${chain.ok ? 'ok' : 'broken'}`} data-testid="audit-chain" data-ok={chain.ok ? 'true' : 'false'} role={chain.ok ? 'status' : 'alert'}>
      {chain.ok ? <CheckIcon /> : <AlertIcon />}
      <div>
        <p className="chain__word">{chain.ok ? t('audit.chain.ok') : t('audit.chain.broken')}</p>
        <p>{chain.ok ? t('audit.chain.okLead', { n: chain.entries }) : t('audit.chain.brokenLead', { n: chain.problems.length })}</p>
        {chain.problems.length ? (
          <ul data-testid="audit-problems">
            {chain.problems.map((p) => (
              <li key={`${p.seq}-${p.kind}`} data-testid="audit-problem" data-seq={p.seq} data-kind={p.kind}>
                {t('audit.problem', { seq: p.seq, kind: problemWord(p.kind, t) })}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

const PROBLEM_KINDS = ['edited', 'missing', 'inserted', 'truncated', 'out-of-chain', 'beyond-head', 'head-forged', 'unkeyed', 'no-key'];

function problemWord(kind: string, t: ReturnType<typeof useT>): string {
  const key = `audit.kind.${kind}`;
  return PROBLEM_KINDS.includes(kind) ? t(key as StringKey) : kind;
}

/** The chain against the copy the central service keeps: a cut or a rewrite the device alone cannot see. */
function CentralStatus({ central }: { central: NonNullable<Audit['central']> }) {
  const t = useT();
  const state = !central.ok ? 'broken' : central.checkedAt ? 'ok' : 'never';
  return (
    <div className={`chain chain--${state === 'broken' ? 'broken' : 'ok'}`} data-testid="audit-central" data-state={state} role={state === 'broken' ? 'alert' : 'status'}>
      {state === 'broken' ? <AlertIcon /> : <CheckIcon />}
      <div>
        <p className="chain__word">
          {state === 'broken' ? t('audit.central.broken') : state === 'ok' ? t('audit.central.ok', { seq: central.centralSeq ?? 0 }) : t('audit.central.never')}
        </p>
        <p>
          {state === 'broken'
            ? t('audit.central.brokenLead')
            : state === 'ok'
              ? t('audit.central.okLead', { time: formatDateTime(central.checkedAt ?? '', t.language) })
              : t('audit.central.neverLead')}
        </p>
        {central.mismatches.length ? (
          <ul data-testid="audit-central-mismatches">
            {central.mismatches.map((m) => (
              <li key={`${m.at}-${m.centralSeq}`} data-testid="audit-central-mismatch" data-kind={m.kind}>
                {t(m.kind === 'cut' ? 'audit.central.cut' : 'audit.central.rewritten', {
                  at: formatDateTime(m.at, t.language),
                  central: m.centralSeq,
                  local: m.localSeq,
                })}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

export function AuditScreen() {
  const t = useT();
  const [staff, setStaff] = useState<Staff[]>([]);
  // What is typed, and what the list shows (applied), both kept through the lock.
  const [filters, setFilters] = useKeptForm('audit.filters', NO_FILTERS);
  const [applied, setApplied] = useKeptForm('audit.applied', NO_FILTERS);
  const [audit, setAudit] = useState<Audit | null>(null);
  const [error, setError] = useState<ReplyError | null>(null);

  const load = useCallback(async (f: Filters) => {
    // Routine reads are filtered here, so ask for more when they are hidden.
    const reply = await call('auditLog', {
      staffId: f.staffId || undefined,
      action: f.action || undefined,
      from: instantOf(f.from),
      to: instantOf(f.to),
      limit: f.hideRoutine === '1' && !f.action ? 1000 : SHOWN,
    });
    if (reply.ok) {
      setAudit(reply.value);
      setError(null);
    } else setError(reply.error);
  }, []);

  useEffect(() => {
    void call('listStaff', {}).then((reply) => reply.ok && setStaff(reply.value));
  }, []);
  // Each press of apply reads the log again, even with the filters unchanged (new entries, a chain to check again).
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    void load(applied);
  }, [load, applied, asked]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied(filters);
    setAsked((n) => n + 1);
  };
  const entries = (audit?.entries ?? []).filter((e) => applied.hideRoutine === '0' || applied.action || !ROUTINE.has(e.action)).slice(0, SHOWN);

  return (
    <div className="screen screen--wide" data-testid="audit-screen">
      <section className="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">{t('audit.title')}</h2>
        {audit ? <ChainStatus chain={audit.chain} /> : null}
        {audit?.central ? <CentralStatus central={audit.central} /> : null}
        <form className="filters" onSubmit={submit}>
          <label className="field">
            <span>{t('audit.staff')}</span>
            <select value={filters.staffId} onChange={(event) => setFilters({ staffId: event.target.value })} data-testid="audit-staff">
              <option value="">{t('audit.all')}</option>
              {staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.displayName} ({s.login})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('audit.action')}</span>
            <select value={filters.action} onChange={(event) => setFilters({ action: event.target.value })} data-testid="audit-action">
              <option value="">{t('audit.all')}</option>
              {AUDIT_ACTIONS.map((name) => ({ name, label: actionLabel(name, t.language) ?? name }))
                .sort((a, b) => a.label.localeCompare(b.label, t.language))
                .map(({ name, label }) => (
                  <option key={name} value={name}>
                    {label}
                  </option>
                ))}
            </select>
          </label>
          <label className="field">
            <span>{t('audit.from')}</span>
            <input type="datetime-local" step={1} value={filters.from} onChange={(event) => setFilters({ from: event.target.value })} data-testid="audit-from" />
          </label>
          <label className="field">
            <span>{t('audit.to')}</span>
            <input type="datetime-local" step={1} value={filters.to} onChange={(event) => setFilters({ to: event.target.value })} data-testid="audit-to" />
          </label>
          <label className="chip chip--check">
            <input type="checkbox" checked={filters.hideRoutine === '1'} onChange={(event) => setFilters({ hideRoutine: event.target.checked ? '1' : '0' })} data-testid="audit-hide-routine" />
            {t('audit.hideRoutine')}
          </label>
          <button type="submit" className="button button--primary" data-testid="audit-apply">
            {t('audit.apply')}
          </button>
        </form>
        {error ? (
          <p className="notice notice--error" role="alert">
            {t.refusal(error)}
          </p>
        ) : null}
        <p className="field__hint" data-testid="audit-count">
          {t('audit.count', { n: entries.length })}
        </p>
        <AuditEntries entries={entries} />
      </section>
    </div>
  );
}
