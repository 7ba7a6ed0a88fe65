/**
 * The printed day report (print to PDF): the figures, the chart, the lots,
 * the discrepancies with their explanations, and the sign-off. No list of
 * people: the report holds counts, not names.
 */
import { venueIso } from '../../../../src/common/time';
import { ReaderHealth } from '../../components/ReaderHealth';
import { formatDateBoth, formatDateTime } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { useDay, type DayReport } from '../../stores/day';
import { DayChart } from './DayChart';
import { DayBreakdown, DayCounts, MedianTimes } from './DayFigures';
import { kindLabel } from './Discrepancies';
import { LotTable } from './LotTable';

export function DayReportSheet({ report }: { report: DayReport }) {
  const t = useT();
  const staffNames = useDay((s) => s.staffNames);
  const name = (id: string) => staffNames[id] ?? id;
  return (
    <article className="report">
      <header className="report__head">
        <h1>{t('day.report.title')}</h1>
        <p>
          <strong>{report.venueName ?? report.venueId}</strong> · {formatDateBoth(report.date, t.language, { weekday: true })}
        </p>
        <p className="muted">{t('day.report.printedAt', { at: formatDateTime(venueIso(new Date()), t.language) })}</p>
      </header>
      <h2>{t('day.counts')}</h2>
      <DayCounts report={report} />
      <DayBreakdown report={report} />
      <MedianTimes report={report} />
      <h2>{t('day.chart.title')}</h2>
      <DayChart report={report} />
      <h2>{t('day.lots')}</h2>
      <LotTable report={report} editable={false} />
      <h2>{t('health.title')}</h2>
      <ReaderHealth date={report.date} />
      <h2>{t('day.discrepancies')}</h2>
      {report.discrepancies.length === 0 ? <p>{t('day.discrepancy.none')}</p> : null}
      <ol className="report__discrepancies">
        {report.discrepancies.map((d) => (
          <li key={d.key}>
            <strong>{kindLabel(d.kind, t)}</strong> — {t.pick(d.message)}
            <br />
            {d.explanation ? (
              <>
                {t('day.discrepancy.explained')}: {d.explanation.note} ({name(d.explanation.staffId)} {formatDateTime(d.explanation.at, t.language)})
              </>
            ) : (
              <strong>{t('day.discrepancy.unexplained')}</strong>
            )}
          </li>
        ))}
      </ol>
      <h2>{t('day.signoff')}</h2>
      {report.closed ? (
        <p className="report__signoff" data-testid="report-signoff">
          {t('day.closed.word')} — {name(report.closed.staffId)} · {formatDateTime(report.closed.at, t.language)} · {report.closed.note}
        </p>
      ) : (
        <p className="report__signoff" data-testid="report-signoff">
          {t('day.report.notClosed')}
        </p>
      )}
    </article>
  );
}
