/**
 * The audit log's entries in staff words: when, who, at which desk (its
 * name), what they did (the operation's label), how it went, and which
 * record (the person's check-in or dose, a lot, a staff member) — the ids
 * and the core's own codes only in each entry's details, on request.
 */
import type { Value } from '../../api/venue';
import { TableScroll } from '../../components/TableScroll';
import { formatDateTime } from '../../i18n/format';
import { actionLabel } from '../../i18n/operations';
import { useT, type Translator } from '../../i18n/t';
import type { StringKey } from '../../i18n/strings';
import { STRINGS } from '../../i18n/strings';
import { useDeskName, useDesks } from '../../stores/desks';
import { idsOfEntries, parseDetail, relatedIds, useRecordNames } from './audit-names';

type Entry = Value<'auditLog'>['entries'][number];

/** A refusal's code in words, where the screens know it; else a plain "not done". */
function outcomeWords(outcome: string, t: Translator): string {
  const key = `audit.outcome.${outcome}`;
  return key in STRINGS ? t(key as StringKey) : t('audit.outcome.other');
}

function Details({ entry, names, t }: { entry: Entry; names: ReadonlyMap<string, string>; t: Translator }) {
  const detail = parseDetail(entry.detail);
  const rows: [string, string][] = [
    [t('audit.detail.seq'), String(entry.seq)],
    [t('audit.detail.action'), entry.action],
    ...(entry.outcome === 'ok' ? [] : ([[t('audit.detail.code'), entry.outcome]] as [string, string][])),
    ...(entry.recordId ? ([[t('audit.detail.record'), entry.recordId]] as [string, string][]) : []),
    ...(entry.staffId ? ([[t('audit.detail.staff'), entry.staffId]] as [string, string][]) : []),
    ...(entry.deskId ? ([[t('audit.detail.desk'), entry.deskId]] as [string, string][]) : []),
    ...Object.entries(detail).map(([key, value]): [string, string] => {
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      const named = typeof value === 'string' ? names.get(value) : undefined;
      return [key, named ? `${named} (${shown})` : shown];
    }),
  ];
  return (
    <details className="audit-detail" data-testid="audit-detail">
      <summary>{t('audit.detail')}</summary>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className="mono">{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function recordOf(entry: Entry, names: ReadonlyMap<string, string>, t: Translator): string {
  const own = entry.recordId ? names.get(entry.recordId) : undefined;
  if (own) return own;
  const related = relatedIds(entry)
    .map((id) => names.get(id))
    .find((name) => name !== undefined);
  if (related) return t('audit.about', { record: related });
  return entry.recordId ? t('audit.recordUnnamed') : '';
}

export function AuditEntries({ entries }: { entries: readonly Entry[] }) {
  const t = useT();
  const deskName = useDeskName();
  const deskNames = useDesks((s) => s.names);
  const names = useRecordNames(idsOfEntries(entries), t.language, deskNames);
  return (
    <TableScroll label={t('audit.title')}>
      <table className="table audit-table" data-testid="audit-entries">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{t('audit.at')}</th>
            <th>{t('audit.staff')}</th>
            <th>{t('sup.desk')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.outcome')}</th>
            <th>{t('audit.record')}</th>
            <th>{t('audit.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq} data-testid="audit-entry" data-action={e.action} data-outcome={e.outcome} data-seq={e.seq}>
              <td className="num">{e.seq}</td>
              <td className="nowrap">{formatDateTime(e.at, t.language)}</td>
              <td>{e.staffName ?? (e.staffId ? t('audit.staffUnknown') : t('audit.system'))}</td>
              <td>{e.deskId ? deskName(e.deskId) : '—'}</td>
              <td data-testid="audit-action-label">{actionLabel(e.action, t.language) ?? t('audit.actionOther')}</td>
              <td>{e.outcome === 'ok' ? <span className="tag tag--good">{t('audit.ok')}</span> : <strong className="tag tag--bad">{outcomeWords(e.outcome, t)}</strong>}</td>
              <td className="cell--text" data-testid="audit-record">
                {recordOf(e, names, t)}
              </td>
              <td>
                <Details entry={e} names={names} t={t} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
