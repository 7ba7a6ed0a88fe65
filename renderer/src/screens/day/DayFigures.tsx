/**
 * The day's figures: the counts, doses by dose number and by product, why
 * people were not vaccinated, and the median time from check-in to dose.
 * Shared by the screen and the printed report.
 */
import { useT } from '../../i18n/t';
import type { StringKey } from '../../i18n/strings';
import type { DayReport } from '../../stores/day';
import { formatDuration } from '../../i18n/format';
import { useDeskName } from '../../stores/desks';

const COUNTS = [
  'booked',
  'checkedIn',
  'notYetCome',
  'noShows',
  'vaccinated',
  'notVaccinated',
  'walkIns',
  'voided',
  'pendingSync',
  'confirmed',
  'conflicts',
] as const satisfies readonly (keyof DayReport['counts'])[];

export function DayCounts({ report }: { report: DayReport }) {
  const t = useT();
  return (
    <dl className="counts counts--day" data-testid="day-counts">
      {COUNTS.map((key) => (
        <div key={key} className="counts__item" data-testid={`day-count-${key}`} data-value={report.counts[key]}>
          <dt>{t(`day.count.${key}` as StringKey)}</dt>
          <dd>{report.counts[key]}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DayBreakdown({ report }: { report: DayReport }) {
  const t = useT();
  return (
    <div className="day-breakdown">
      <table className="table" data-testid="by-dose">
        <caption>{t('day.byDose')}</caption>
        <tbody>
          {report.byDose.length === 0 ? (
            <tr>
              <td className="empty">{t('day.none')}</td>
            </tr>
          ) : null}
          {report.byDose.map((d) => (
            <tr key={d.dose}>
              <th scope="row">{t('verdict.dose', { n: d.dose })}</th>
              <td className="num">{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="table" data-testid="by-product">
        <caption>{t('day.byProduct')}</caption>
        <tbody>
          {report.byProduct.length === 0 ? (
            <tr>
              <td className="empty">{t('day.none')}</td>
            </tr>
          ) : null}
          {report.byProduct.map((p) => (
            <tr key={p.productId}>
              <th scope="row">{p.productName}</th>
              <td className="num">{p.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="table" data-testid="not-vaccinated-reasons">
        <caption>{t('day.notVaccinatedReasons')}</caption>
        <tbody>
          {report.notVaccinatedReasons.length === 0 ? (
            <tr>
              <td className="empty">{t('day.none')}</td>
            </tr>
          ) : null}
          {report.notVaccinatedReasons.map((r) => (
            <tr key={r.reason}>
              <th scope="row">{r.reason || t('day.noReason')}</th>
              <td className="num">{r.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MedianTimes({ report }: { report: DayReport }) {
  const t = useT();
  const deskName = useDeskName();
  return (
    <dl className="facts" data-testid="median-times">
      <div>
        <dt>{t('day.medianOverall')}</dt>
        <dd data-testid="median-overall" data-seconds={report.medianSecondsToDose ?? ''}>
          {report.medianSecondsToDose === null ? t('day.none') : formatDuration(report.medianSecondsToDose, t.language)}
        </dd>
      </div>
      {report.medianSecondsToDoseByDesk.map((m) => (
        <div key={m.deskId}>
          <dt>{t('day.medianDesk', { desk: deskName(m.deskId) })}</dt>
          <dd data-testid="median-desk" data-desk={m.deskId} data-seconds={m.seconds}>
            {formatDuration(m.seconds, t.language)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
