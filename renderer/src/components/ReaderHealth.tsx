/**
 * Every desk's reader health for a day: reads attempted, misreads refused,
 * camera sights that gave nothing, and the seconds from a ticket entering
 * the camera's view to its card (median and p95). Live on the supervisor's
 * screen (refreshed every 15 s), and in the day report.
 */
import { useEffect, useState } from 'react';
import { call, hasOperation, type Value } from '../api/venue';
import { useT } from '../i18n/t';
import { useDeskName } from '../stores/desks';
import { TableScroll } from './TableScroll';

type Health = Value<'readerHealth'>;

const LIVE_EVERY_MS = 15_000;
const seconds = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} s`);

export function ReaderHealth({ date, live = false }: { date?: string; live?: boolean }) {
  const t = useT();
  const deskName = useDeskName();
  const [rows, setRows] = useState<Health | null>(null);
  useEffect(() => {
    if (!hasOperation('readerHealth')) return;
    let cancelled = false;
    const load = async () => {
      const reply = await call('readerHealth', date ? { date } : {});
      if (!cancelled && reply.ok) setRows(reply.value);
    };
    void load();
    const timer = live ? window.setInterval(() => void load(), LIVE_EVERY_MS) : null;
    return () => {
      cancelled = true;
      if (timer !== null) window.clearInterval(timer);
    };
  }, [date, live]);
  if (!rows) return null;
  if (rows.length === 0) return <p className="empty">{t('health.none')}</p>;
  return (
    <TableScroll label={t('health.title')}>
      <table className="table" data-testid="reader-health">
        <thead>
          <tr>
            <th>{t('health.desk')}</th>
            <th>{t('health.attempts')}</th>
            <th>{t('health.misreads')}</th>
            <th>{t('health.failed')}</th>
            <th>{t('health.toCard')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.deskId} data-testid="reader-health-row" data-desk={r.deskId} data-attempts={r.attempts} data-failed={r.failedSights}>
              <td>{deskName(r.deskId)}</td>
              <td>{r.attempts}</td>
              <td>{r.misreadsRefused}</td>
              <td>{r.failedSights}</td>
              <td>
                {seconds(r.medianSeconds)} / {seconds(r.p95Seconds)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
