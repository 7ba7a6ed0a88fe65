/**
 * Check-ins and doses per desk and per hour, drawn as plain SVG: one row per
 * desk, two bars per hour. Check-ins are hatched and outlined, doses solid,
 * and every bar carries its number, so the chart never relies on colour.
 * The same figures are in a table for screen readers.
 */
import { useId } from 'react';
import { useT } from '../../i18n/t';
import type { DayReport } from '../../stores/day';
import { formatDuration } from '../../i18n/format';
import { useDeskName } from '../../stores/desks';

const WIDTH = 760;
const LABEL = 150;
const ROW = 112;
const TOP = 18;
const PLOT = 70;

function hoursOf(lines: DayReport['hourly']): number[] {
  const hours = lines.map((l) => Number(l.hour));
  if (hours.length === 0) return [];
  const first = Math.min(...hours);
  const last = Math.max(...hours);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export function DayChart({ report }: { report: DayReport }) {
  const t = useT();
  const deskName = useDeskName();
  const uid = `chart${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const hours = hoursOf(report.hourly);
  const desks = [...new Set(report.hourly.map((l) => l.deskId))].sort();
  const max = Math.max(1, ...report.hourly.flatMap((l) => [l.checkIns, l.doses]));
  const column = hours.length ? (WIDTH - LABEL - 10) / hours.length : 0;
  const bar = Math.min(28, column * 0.32);
  const height = desks.length * ROW + 8;
  const medianOf = (deskId: string) => report.medianSecondsToDoseByDesk.find((m) => m.deskId === deskId)?.seconds;
  const line = (deskId: string, hour: number) => report.hourly.find((l) => l.deskId === deskId && Number(l.hour) === hour);

  return (
    <figure className="chart" data-testid="day-chart" data-desks={desks.length} data-hours={hours.length}>
      <figcaption className="chart__legend">
        <span className="chart__key chart__key--checkins" aria-hidden="true" /> {t('day.chart.checkIns')}
        <span className="chart__key chart__key--doses" aria-hidden="true" /> {t('day.chart.doses')}
      </figcaption>
      {desks.length === 0 ? (
        <p className="empty">{t('day.chart.empty')}</p>
      ) : (
        <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${uid}-title`}>
          <title id={`${uid}-title`}>{t('day.chart.title')}</title>
          <defs>
            <pattern id={`${uid}-hatch`} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
              <rect width="6" height="6" fill="#e8f0fe" />
              <line x1="0" y1="0" x2="0" y2="6" stroke="#0b57d0" strokeWidth="2.5" />
            </pattern>
          </defs>
          {desks.map((deskId, row) => {
            const top = row * ROW + TOP;
            const base = top + PLOT;
            const median = medianOf(deskId);
            return (
              <g key={deskId} data-testid="chart-desk" data-desk={deskId}>
                <text x={0} y={top + 22} className="chart__desk">
                  {deskName(deskId)}
                </text>
                {median !== undefined ? (
                  <text x={0} y={top + 44} className="chart__median">
                    {t('day.chart.median', { time: formatDuration(median, t.language) })}
                  </text>
                ) : null}
                <line x1={LABEL} x2={WIDTH - 10} y1={base} y2={base} stroke="#4a4f55" strokeWidth="1" />
                {hours.map((hour, i) => {
                  const x = LABEL + i * column + (column - 2 * bar - 4) / 2;
                  const values = line(deskId, hour);
                  const bars = [
                    { series: 'checkins', value: values?.checkIns ?? 0, x, fill: `url(#${uid}-hatch)`, stroke: '#0b57d0' },
                    { series: 'doses', value: values?.doses ?? 0, x: x + bar + 4, fill: '#0a7a33', stroke: '#0a7a33' },
                  ];
                  return (
                    <g key={hour}>
                      {bars.map((b) => {
                        const h = (b.value / max) * PLOT;
                        return (
                          <g key={b.series}>
                            <rect
                              data-testid="chart-bar"
                              data-series={b.series}
                              data-hour={String(hour).padStart(2, '0')}
                              data-value={b.value}
                              x={b.x}
                              y={base - h}
                              width={bar}
                              height={h}
                              fill={b.fill}
                              stroke={b.stroke}
                              strokeWidth="1.5"
                            />
                            {b.value > 0 ? (
                              <text x={b.x + bar / 2} y={base - h - 4} textAnchor="middle" className="chart__value">
                                {b.value}
                              </text>
                            ) : null}
                          </g>
                        );
                      })}
                      <text x={LABEL + i * column + column / 2} y={base + 16} textAnchor="middle" className="chart__hour">
                        {t('day.chart.hour', { h: hour })}
                      </text>
                    </g>
                  );
                })}
              </g>
            );
          })}
        </svg>
      )}
      <table className="sr-only">
        <caption>{t('day.chart.title')}</caption>
        <thead>
          <tr>
            <th>{t('sup.desk')}</th>
            <th>{t('day.chart.hourHeader')}</th>
            <th>{t('day.chart.checkIns')}</th>
            <th>{t('day.chart.doses')}</th>
          </tr>
        </thead>
        <tbody>
          {report.hourly.map((l) => (
            <tr key={`${l.deskId}-${l.hour}`}>
              <td>{deskName(l.deskId)}</td>
              <td>{t('day.chart.hour', { h: Number(l.hour) })}</td>
              <td>{l.checkIns}</td>
              <td>{l.doses}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
