/**
 * Supervisor → Data import: the roster & bookings CSV and the product
 * master CSV (docs/roster-csv.md). Each file is all or nothing: a refusal
 * names the row and column and nothing is imported.
 */
import { useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call } from '../../api/venue';
import { CheckIcon, CrossIcon } from '../../components/Icons';
import { useT } from '../../i18n/t';
import { fileBase64 } from './format';

type Kind = 'roster' | 'products';
type Encoding = 'auto' | 'utf-8' | 'shift_jis';

function ImportForm({ kind }: { kind: Kind }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<Encoding>('auto');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: true; text: string } | { ok: false; error: ReplyError } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setResult(null);
    const csvBase64 = await fileBase64(file);
    if (kind === 'roster') {
      const reply = await call('importRoster', { csvBase64, encoding });
      setResult(reply.ok ? { ok: true, text: t('import.rosterDone', { rows: reply.value.rows, people: reply.value.people, bookings: reply.value.bookings }) } : { ok: false, error: reply.error });
    } else {
      const reply = await call('importProducts', { csvBase64, encoding });
      setResult(reply.ok ? { ok: true, text: t('import.productsDone', { n: reply.value.products }) } : { ok: false, error: reply.error });
    }
    setBusy(false);
  };

  return (
    <form className="panel inline-form" onSubmit={(event) => void submit(event)} data-testid={`import-${kind}`}>
      <h3>{t(kind === 'roster' ? 'import.roster' : 'import.products')}</h3>
      <label className="field">
        <span>{t('import.file')}</span>
        <input type="file" accept=".csv,text/csv" onChange={(event) => setFile(event.target.files?.[0] ?? null)} data-testid={`import-${kind}-file`} />
      </label>
      <label className="field">
        <span>{t('export.encoding')}</span>
        <select value={encoding} onChange={(event) => setEncoding(event.target.value as Encoding)} data-testid={`import-${kind}-encoding`}>
          <option value="auto">{t('import.auto')}</option>
          <option value="utf-8">{t('export.utf8')}</option>
          <option value="shift_jis">{t('export.sjis')}</option>
        </select>
      </label>
      <button type="submit" className="button button--primary" disabled={!file || busy} data-testid={`import-${kind}-submit`}>
        {busy ? t('import.busy') : t('import.submit')}
      </button>
      {result?.ok ? (
        <p className="notice notice--ok" role="status" data-testid={`import-${kind}-result`}>
          <CheckIcon /> {result.text}
        </p>
      ) : null}
      {result && !result.ok ? (
        <p className="notice notice--error" role="alert" data-testid={`import-${kind}-error`} data-code={result.error.code}>
          <CrossIcon /> {t('import.refused')} {t.refusal(result.error)}
        </p>
      ) : null}
    </form>
  );
}

export function ImportScreen() {
  const t = useT();
  return (
    <div className="screen screen--narrow" data-testid="import-screen">
      <section className="panel" aria-labelledby="import-title">
        <h2 id="import-title">{t('import.title')}</h2>
        <p className="panel__hint">{t('import.lead')}</p>
      </section>
      <ImportForm kind="roster" />
      <ImportForm kind="products" />
    </div>
  );
}
