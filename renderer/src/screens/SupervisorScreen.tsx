/**
 * The supervisor's desk: today's counts so far, walk-in requests to decide
 * (first while any waits), desks and their active lots, adding lots (typed,
 * or from a scanned box), and voiding a record with a reason (nothing is
 * deleted; a void is a record).
 */
import { useCallback, useEffect, useState } from 'react';
import { useVenueEvents } from '../api/events';
import { call, hasOperation, type Value } from '../api/venue';
import { ReaderHealth } from '../components/ReaderHealth';
import { formatDateBoth } from '../i18n/format';
import { useT } from '../i18n/t';
import { DesksPanel } from './supervisor/DesksPanel';
import { LotsPanel } from './supervisor/LotsPanel';
import { ConflictsPanel, RecordsPanel } from './supervisor/RecordsPanel';
import { WalkInsPanel } from './supervisor/WalkInsPanel';

type Counts = Value<'todayCounts'>;
type Desk = Value<'listDesks'>[number];
type Lot = Value<'listLots'>[number];
type Product = Value<'listProducts'>[number];
type WalkIn = Value<'listWalkIns'>[number];
type DoseRecord = Value<'dosesToday'>[number];
type Waiting = Value<'vaccinationQueue'>[number];
type Conflict = Value<'listConflicts'>[number];

interface Data {
  counts: Counts | null;
  desks: Desk[];
  lots: Lot[];
  products: Product[];
  walkIns: WalkIn[];
  records: DoseRecord[];
  waiting: Waiting[];
  /** Null when this core has no sync (no conflicts to show). */
  conflicts: Conflict[] | null;
}

const EMPTY: Data = { counts: null, desks: [], lots: [], products: [], walkIns: [], records: [], waiting: [], conflicts: null };

function useSupervisorData(): [Data, () => Promise<void>] {
  const [data, setData] = useState<Data>(EMPTY);
  const load = useCallback(async () => {
    const [counts, desks, lots, products, walkIns, records, waiting, conflicts] = await Promise.all([
      call('todayCounts', {}),
      call('listDesks', {}),
      call('listLots', {}),
      call('listProducts', {}),
      hasOperation('listWalkIns') ? call('listWalkIns', {}) : Promise.resolve(null),
      call('dosesToday', {}),
      call('vaccinationQueue', {}),
      hasOperation('listConflicts') ? call('listConflicts', {}) : Promise.resolve(null),
    ]);
    setData({
      counts: counts.ok ? counts.value : null,
      desks: desks.ok ? desks.value : [],
      lots: lots.ok ? lots.value : [],
      products: products.ok ? products.value : [],
      walkIns: walkIns?.ok ? walkIns.value : [],
      records: records.ok ? records.value : [],
      waiting: waiting.ok ? waiting.value : [],
      conflicts: conflicts?.ok ? conflicts.value : null,
    });
  }, []);
  return [data, load];
}

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
  const [data, load] = useSupervisorData();
  useEffect(() => {
    void load();
  }, [load]);
  useVenueEvents(['checkin', 'dose', 'void', 'walk-in', 'lot', 'desk', 'sync', 'roster', 'products', 'conflict'], () => void load());
  const reload = () => void load();
  return (
    <div className="screen screen--supervisor" data-testid="screen-supervisor">
      <div className="screen__wide">
        <CountsPanel counts={data.counts} />
        <WalkInsPanel walkIns={data.walkIns} products={data.products} onDone={reload} />
        <DesksPanel desks={data.desks} lots={data.lots} onDone={reload} />
        <section className="panel" aria-labelledby="health-title">
          <h2 id="health-title">{t('health.title')}</h2>
          <p className="panel__hint">{t('health.hint')}</p>
          <ReaderHealth live />
        </section>
        <LotsPanel lots={data.lots} products={data.products} onDone={reload} />
        <RecordsPanel records={data.records} waiting={data.waiting} onDone={reload} />
        {data.conflicts ? <ConflictsPanel conflicts={data.conflicts} onDone={reload} /> : null}
      </div>
    </div>
  );
}
