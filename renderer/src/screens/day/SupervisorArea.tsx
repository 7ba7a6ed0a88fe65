/**
 * The supervisor's screens behind one tab: today's desk work (walk-ins,
 * desks, lots, records), the day's reconciliation and sign-off, the VRS
 * export, the audit log, staff accounts and data import.
 */
import { WalkInBadge } from '../../components/WalkInBadge';
import { useT } from '../../i18n/t';
import type { StringKey } from '../../i18n/strings';
import { SUPERVISOR_TABS, useNavigation, type SupervisorTab } from '../../stores/navigation';
import { SupervisorScreen } from '../SupervisorScreen';
import { AuditScreen } from './AuditScreen';
import { DayScreen } from './DayScreen';
import { ExportScreen } from './ExportScreen';
import { ImportScreen } from './ImportScreen';
import { StaffScreen } from './StaffScreen';

function Current({ tab }: { tab: SupervisorTab }) {
  switch (tab) {
    case 'desk':
      return <SupervisorScreen />;
    case 'day':
      return <DayScreen />;
    case 'export':
      return <ExportScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'staff':
      return <StaffScreen />;
    case 'import':
      return <ImportScreen />;
  }
}

export function SupervisorArea() {
  const t = useT();
  const tab = useNavigation((s) => s.supervisorTab);
  const show = useNavigation((s) => s.showTab);
  return (
    <div className="supervisor-area">
      <nav className="subnav" aria-label={t('sup.tabs')}>
        {SUPERVISOR_TABS.map((name) => (
          <button
            key={name}
            type="button"
            className={`subnav__tab${tab === name ? ' subnav__tab--on' : ''}`}
            aria-current={tab === name ? 'page' : undefined}
            onClick={() => show(name)}
            data-testid={`sup-tab-${name}`}
          >
            {t(`sup.tab.${name}` as StringKey)}
            {name === 'desk' ? <WalkInBadge testId="walk-in-tab-badge" /> : null}
          </button>
        ))}
      </nav>
      <Current tab={tab} />
    </div>
  );
}
