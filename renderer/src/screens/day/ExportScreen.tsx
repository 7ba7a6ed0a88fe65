/**
 * Supervisor → Export: the day's doses as CSV in the VRS fields (UTF-8 or
 * Shift_JIS), saved through a download of a Blob the page made itself, so
 * the strict content security policy needs nothing extra. There is no
 * column an individual number could go in; a record that slipped through
 * with one anyway is left out by the core and listed here (id and column).
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call } from '../../api/venue';
import { CheckIcon } from '../../components/Icons';
import { formatDateBoth } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { today } from '../../stores/day';
import { useDesks } from '../../stores/desks';
import { useKeptForm } from '../../stores/kept';
import { useRecordNames } from './audit-names';
import { base64Bytes } from './format';

type Encoding = 'utf-8' | 'shift_jis';
const ENCODINGS: readonly Encoding[] = ['utf-8', 'shift_jis'];

interface Saved {
  readonly fileName: string;
  readonly rows: number;
  readonly withheld: readonly { readonly recordId: string; readonly column: string }[];
  readonly url: string;
  readonly encoding: Encoding;
}

/** Hands the bytes to the browser's download (Electron: the save dialog). */
function download(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/** The records left out of the file, each named as staff know it (the id stays on the element, not on screen). */
function Withheld({ withheld }: { withheld: Saved['withheld'] }) {
  const t = useT();
  const deskNames = useDesks((s) => s.names);
  const names = useRecordNames(
    withheld.map((w) => w.recordId),
    t.language,
    deskNames,
  );
  return (
    <div className="notice notice--error" role="alert" data-testid="export-withheld">
      <p>{t('export.withheld', { n: withheld.length })}</p>
      <ul>
        {withheld.map((w) => (
          <li key={w.recordId} data-record={w.recordId}>
            {t('export.withheldItem', { id: names.get(w.recordId) ?? t('audit.recordUnnamed'), column: w.column })}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ExportScreen() {
  const t = useT();
  // The day and encoding chosen are kept through the lock (stores/kept.ts).
  const [form, setForm] = useKeptForm('export', { date: today(), encoding: 'utf-8' });
  const date = form.date;
  const encoding = ENCODINGS.find((e) => e === form.encoding) ?? 'utf-8';
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [error, setError] = useState<ReplyError | null>(null);

  // A Blob URL holds the file in memory until revoked.
  useEffect(() => () => (saved ? URL.revokeObjectURL(saved.url) : undefined), [saved]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const reply = await call('exportDoses', { date, encoding });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    const type = encoding === 'utf-8' ? 'text/csv;charset=utf-8' : 'text/csv;charset=shift_jis';
    const url = URL.createObjectURL(new Blob([base64Bytes(reply.value.csvBase64)], { type }));
    setSaved({ fileName: reply.value.fileName, rows: reply.value.rows, withheld: reply.value.withheld, url, encoding });
    download(url, reply.value.fileName);
  };

  return (
    <div className="screen screen--narrow" data-testid="export-screen">
      <section className="panel" aria-labelledby="export-title">
        <h2 id="export-title">{t('export.title')}</h2>
        <p className="panel__hint">{t('export.lead')}</p>
        <form className="inline-form" onSubmit={(event) => void submit(event)}>
          <label className="field">
            <span>{t('export.date')}</span>
            <input type="date" value={date} max={today()} onChange={(event) => event.target.value && setForm({ date: event.target.value })} data-testid="export-date" required />
            <small className="field__hint">{formatDateBoth(date, t.language, { weekday: true })}</small>
          </label>
          <fieldset className="field">
            <legend>{t('export.encoding')}</legend>
            <div className="chips">
              {ENCODINGS.map((e) => (
                <label key={e} className={`chip${encoding === e ? ' chip--on' : ''}`}>
                  <input type="radio" name="export-encoding" checked={encoding === e} onChange={() => setForm({ encoding: e })} data-testid={`export-encoding-${e}`} />
                  {t(e === 'utf-8' ? 'export.utf8' : 'export.sjis')}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="export-download">
            {busy ? t('export.busy') : t('export.download')}
          </button>
        </form>
        {error ? (
          <p className="notice notice--error" role="alert" data-testid="export-error">
            {t.refusal(error)}
          </p>
        ) : null}
        {saved ? (
          <p className="notice notice--ok" role="status" data-testid="export-result" data-rows={saved.rows} data-file={saved.fileName}>
            <CheckIcon /> {t('export.done', { file: saved.fileName, n: saved.rows })}{' '}
            <a href={saved.url} download={saved.fileName} data-testid="export-link">
              {t('export.again')}
            </a>
          </p>
        ) : null}
        {saved && saved.withheld.length > 0 ? <Withheld withheld={saved.withheld} /> : null}
        <p className="field__hint">{t('export.noIndividualNumber')}</p>
      </section>
    </div>
  );
}
