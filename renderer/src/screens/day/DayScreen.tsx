/**
 * Supervisor → Day: the reconciliation of a venue-day (today or a past day).
 * Counts, doses by number and product, lots against opened vials, why people
 * were not vaccinated, check-ins and doses per desk and hour, time from
 * check-in to dose, the discrepancies (each down to its records, each to be
 * explained), closing the day, the day's records with void and re-record,
 * and the printable report.
 */
import { ReaderHealth } from '../../components/ReaderHealth';
import { useEffect } from 'react';
import { useVenueEvents } from '../../api/events';
import { PrintSheet } from '../../print/PrintSheet';
import { printSheet } from '../../print/print';
import { formatDateBoth } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { today, useDay } from '../../stores/day';
import { CloseDay, CloseHistory, SignOff } from './CloseDay';
import { DayChart } from './DayChart';
import { DayBreakdown, DayCounts, MedianTimes } from './DayFigures';
import { DayReportSheet } from './DayReportSheet';
import { DiscrepancyList } from './Discrepancies';
import { LotTable } from './LotTable';
import { CheckinTable, DoseTable } from './RecordTables';

const REFRESH_ON = ['checkin', 'dose', 'void', 'day-closed', 'sync', 'walk-in', 'conflict', 'restored', 'observation'] as const;

/** The close is at the end of the report (after what it is judged on); the button at the top takes the supervisor there. */
function goToClose(): void {
  const form = document.getElementById('close-day');
  form?.scrollIntoView({ block: 'center' });
  form?.querySelector('textarea')?.focus({ preventScroll: true });
}

export function DayScreen() {
  const t = useT();
  const date = useDay((s) => s.date);
  const report = useDay((s) => s.report);
  const records = useDay((s) => s.records);
  const error = useDay((s) => s.error);
  const setDate = useDay((s) => s.setDate);
  const load = useDay((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  useVenueEvents(REFRESH_ON, () => void load());
  const reload = () => void load();

  return (
    <div className="screen screen--day" data-testid="day-report" data-date={date} data-closed={report?.closed ? 'true' : 'false'}>
      <section className="panel day-head" aria-labelledby="day-title">
        <div>
          <h2 id="day-title">{t('day.title')}</h2>
          <p className="day-head__date" data-testid="day-date-label">
            {formatDateBoth(date, t.language, { weekday: true })}
            {report?.closed ? <strong className="tag tag--good"> {t('day.closed.word')}</strong> : null}
          </p>
        </div>
        <label className="field day-head__picker">
          <span>{t('day.pickDate')}</span>
          <input type="date" value={date} max={today()} onChange={(event) => event.target.value && setDate(event.target.value)} data-testid="day-date" />
        </label>
        <div className="actions">
          <button type="button" className="button" onClick={reload} data-testid="day-refresh">
            {t('common.refresh')}
          </button>
          <button type="button" className="button" disabled={!report} onClick={() => printSheet('day-report')} data-testid="print-report">
            {t('day.print')}
          </button>
          {report && !report.closed ? (
            <button type="button" className="button button--primary" onClick={goToClose} data-testid="close-day-start">
              {t('day.close.jump')}
            </button>
          ) : null}
        </div>
      </section>
      {error ? (
        <p className="notice notice--error" role="alert">
          {t.refusal(error)}
        </p>
      ) : null}
      {report ? (
        <>
          {report.closed ? (
            <section className="panel panel--closed">
              <SignOff closed={report.closed} reopenable />
            </section>
          ) : null}
          <section className="panel" aria-labelledby="day-counts-title">
            <h2 id="day-counts-title">{t('day.counts')}</h2>
            <DayCounts report={report} />
            <DayBreakdown report={report} />
            <MedianTimes report={report} />
          </section>
          <section className="panel" aria-labelledby="day-chart-title">
            <h2 id="day-chart-title">{t('day.chart.title')}</h2>
            <DayChart report={report} />
          </section>
          <section className="panel" aria-labelledby="day-lots-title">
            <h2 id="day-lots-title">{t('day.lots')}</h2>
            <p className="panel__hint">{t('day.lots.hint')}</p>
            <LotTable report={report} editable={!report.closed} />
          </section>
          <section className="panel" aria-labelledby="day-discrepancies-title">
            <h2 id="day-discrepancies-title">{t('day.discrepancies')}</h2>
            <DiscrepancyList discrepancies={report.discrepancies} />
            {report.closed ? null : (
              <div id="close-day">
                <CloseDay report={report} />
              </div>
            )}
            <CloseHistory report={report} />
          </section>
          <section className="panel" aria-labelledby="day-health-title">
            <h2 id="day-health-title">{t('health.title')}</h2>
            <ReaderHealth date={report.date} />
          </section>
          <section className="panel" aria-labelledby="day-records-title" data-testid="day-records">
            <h2 id="day-records-title">{t('day.records')}</h2>
            <p className="panel__hint">{t('day.records.hint')}</p>
            {records && records.checkins.length + records.doses.length === 0 ? <p className="empty">{t('sup.recordsEmpty')}</p> : null}
            {records ? (
              <>
                <DoseTable doses={records.doses} onChange={reload} />
                <CheckinTable checkins={records.checkins} onChange={reload} />
              </>
            ) : null}
          </section>
          <PrintSheet name="day-report" testId="day-report-sheet">
            <DayReportSheet report={report} />
          </PrintSheet>
        </>
      ) : (
        <p className="empty">{t('app.loading')}</p>
      )}
    </div>
  );
}
