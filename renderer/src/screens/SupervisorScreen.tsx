/**
 * The supervisor's desk: today's counts so far, walk-in requests to decide
 * (first while any waits), desks and their active lots, adding lots (typed,
 * or from a scanned box), and voiding a record with a reason (nothing is
 * deleted; a void is a record).
 */
import { useEffect } from 'react';
import { useVenueEvents } from '../api/events';
import type { Value } from '../api/venue';
import { ReaderHealth } from '../components/ReaderHealth';
import { formatDateBoth } from '../i18n/format';
import { useT } from '../i18n/t';
import { useSupervisor } from '../stores/supervisor';
import { DesksPanel } from './supervisor/DesksPanel';
import { LotsPanel } from './supervisor/LotsPanel';
import { ConflictsPanel, RecordsPanel } from './supervisor/RecordsPanel';
import { WalkInsPanel } from './supervisor/WalkInsPanel';

type Counts = Value<'todayCounts'>;

function CountsPanel({ counts }: { counts: Counts | null }) {
  const t = useT();
  const items = [
    ['booked', 'sup.count.booked'],
    ['checkedIn', 'sup.count.checkedIn'],
    ['vaccinated', 'sup.count.vaccinated'],
    ['notVaccinated', 'sup.count.notVaccinated'],
    ['waiting', 'sup.count.waiting'],
  ] as const;
  return (
    <section className="panel" aria-labelledby="counts-title">
      <h2 id="counts-title">
        {t('sup.counts')} {counts ? <small>{formatDateBoth(counts.date, t.language, { weekday: true })}</small> : null}
      </h2>
      <dl className="counts" data-testid="counts">
        {items.map(([key, label]) => (
          <div key={key} className="counts__item" data-testid={`count-${key}`}>
            <dt>{t(label)}</dt>
            <dd>{counts ? counts[key] : '–'}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function SupervisorScreen() {
  const t = useT();
  const data = useSupervisor((s) => s.data);
  const load = useSupervisor((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  useVenueEvents(['checkin', 'dose', 'void', 'walk-in', 'lot', 'desk', 'sync', 'roster', 'products', 'conflict'], () => void load());
  return (
    <div className="screen screen--supervisor" data-testid="screen-supervisor">
      <div className="screen__wide">
        <CountsPanel counts={data.counts} />
        <WalkInsPanel walkIns={data.walkIns} products={data.products} />
        <DesksPanel desks={data.desks} lots={data.lots} />
        <section className="panel" aria-labelledby="health-title">
          <h2 id="health-title">{t('health.title')}</h2>
          <p className="panel__hint">{t('health.hint')}</p>
          <ReaderHealth live />
        </section>
        <LotsPanel lots={data.lots} products={data.products} />
        <RecordsPanel records={data.records} waiting={data.waiting} onDone={() => void load()} />
        {data.conflicts ? <ConflictsPanel conflicts={data.conflicts} /> : null}
      </div>
    </div>
  );
}
