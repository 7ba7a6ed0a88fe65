// @vitest-environment jsdom
/**
 * Every form's entries outlive the screen for the same person: the form is
 * filled in, the screen goes away (the idle lock, or another screen), the
 * lock wipes what is personal, and the form comes back with what was typed.
 * The session's end (sign-out, someone else signing in) forgets it.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Value } from '../api/venue';
import { useDay, type DayDose } from '../stores/day';
import { endSessionData, wipePersonalData } from '../stores/privacy';
import { useSession } from '../stores/session';
import { installVenueStub } from '../test/venue-stub';
import { AuditScreen } from './day/AuditScreen';
import { ExportScreen } from './day/ExportScreen';
import { VialsForm } from './day/LotTable';
import { RerecordForm } from './day/RerecordForm';
import { DeviceSection } from './SettingsScreen';
import { DesksPanel } from './supervisor/DesksPanel';
import { ConflictsPanel } from './supervisor/RecordsPanel';

type Desk = Value<'listDesks'>[number];
type Conflict = Value<'listConflicts'>[number];

const DESK = { id: 'N1', name: '接種ブース1', kind: 'nurse', activeLotId: null, activeLotNumber: null, productName: null, doctor: '前任 医師' } as unknown as Desk;
const VOIDED = {
  id: '01900000-0000-7000-8000-0000000d0001',
  municipality: '131016',
  ticketNumber: '0000100001',
  doseNumber: 1,
  status: 'performed',
  reason: null,
  givenAt: '2026-11-23T09:41:00+09:00',
  venueDate: '2026-11-23',
  lotId: null,
  site: 'left_arm',
  doctor: '予診 医師',
} as unknown as DayDose;
const CONFLICT = {
  id: 'conflict-1',
  municipality: '131016',
  ticketNumber: '0000100001',
  doseNumber: 1,
  nameKanji: '山田 太郎',
  records: [],
  resolvedAt: null,
} as unknown as Conflict;

beforeAll(() => {
  const venue = installVenueStub();
  venue.answer('listStaff', { ok: true, value: [] });
  venue.answer('auditLog', { ok: true, value: { entries: [], chain: { ok: true, entries: 0, problems: [] }, central: null } } as never);
  venue.answer('listDesks', { ok: true, value: [DESK, { ...DESK, id: 'N2', name: '接種ブース2' }] });
});

beforeEach(() => {
  endSessionData();
  useSession.setState({ staff: { id: 's', login: 'sup', displayName: '監督 花子', role: 'supervisor' }, device: { deskId: 'N1', idleLockMinutes: 5 } as never });
});
afterEach(cleanup);

const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

/** Fills the form, locks (the screen goes), and shows it again: what comes back. */
async function throughTheLock(view: () => ReactElement, fill: () => void, read: () => Promise<string[]> | string[]): Promise<{ kept: string[]; forgotten: string[] }> {
  const first = render(view());
  fill();
  first.unmount();
  wipePersonalData();
  render(view());
  const kept = await read();
  cleanup();
  endSessionData();
  render(view());
  const forgotten = await read();
  return { kept, forgotten };
}

describe('forms keep what was typed through the lock, for the same person', () => {
  it('the audit log’s filters', async () => {
    const { kept, forgotten } = await throughTheLock(
      () => <AuditScreen />,
      () => {
        fireEvent.change(input('audit-action'), { target: { value: 'voidRecord' } });
        fireEvent.change(input('audit-from'), { target: { value: '2026-11-23T09:05' } });
        fireEvent.click(input('audit-hide-routine'));
      },
      () => [input('audit-action').value, input('audit-from').value, String(input('audit-hide-routine').checked)],
    );
    expect(kept).toEqual(['voidRecord', '2026-11-23T09:05', 'false']);
    expect(forgotten).toEqual(['', '', 'true']);
  });

  it('the settings form', async () => {
    const { kept, forgotten } = await throughTheLock(
      () => <DeviceSection />,
      () => fireEvent.change(input('settings-idle'), { target: { value: '12' } }),
      () => [input('settings-idle').value],
    );
    expect(kept).toEqual(['12']);
    expect(forgotten).toEqual(['5']);
  });

  it('the re-record (correction) form', async () => {
    const { kept, forgotten } = await throughTheLock(
      () => <RerecordForm voided={VOIDED} onDone={() => undefined} onCancel={() => undefined} />,
      () => {
        fireEvent.change(input('rerecord-reason'), { target: { value: '別の人に記録していた' } });
        fireEvent.change(input('rerecord-doctor'), { target: { value: '交代 医師' } });
        fireEvent.change(input('rerecord-time'), { target: { value: '09:45:00' } });
      },
      () => [input('rerecord-reason').value, input('rerecord-doctor').value, input('rerecord-time').value],
    );
    expect(kept).toEqual(['別の人に記録していた', '交代 医師', '09:45:00']);
    expect(forgotten).toEqual(['', '予診 医師', '09:41:00']);
  });

  it('the desk doctor', async () => {
    const { kept, forgotten } = await throughTheLock(
      () => <DesksPanel desks={[DESK]} lots={[]} />,
      () => fireEvent.change(input('desk-doctor-input'), { target: { value: '午後 医師' } }),
      () => [input('desk-doctor-input').value],
    );
    expect(kept).toEqual(['午後 医師']);
    expect(forgotten).toEqual(['前任 医師']);
  });

  it('a sync conflict’s note', async () => {
    const { kept, forgotten } = await throughTheLock(
      () => <ConflictsPanel conflicts={[CONFLICT]} />,
      () => fireEvent.change(input('conflict-note'), { target: { value: '同じ人の二重記録' } }),
      () => [input('conflict-note').value],
    );
    expect(kept).toEqual(['同じ人の二重記録']);
    expect(forgotten).toEqual(['']);
  });

  it('the vials opened', async () => {
    useDay.setState({ lots: [{ id: 'lot-1', lotNumber: 'FA1234', productName: 'コミナティ筋注' }] as never });
    const { kept, forgotten } = await throughTheLock(
      () => <VialsForm />,
      () => {
        fireEvent.change(input('vials-lot'), { target: { value: 'lot-1' } });
        fireEvent.change(input('vials-count'), { target: { value: '7' } });
      },
      () => [input('vials-lot').value, input('vials-count').value],
    );
    expect(kept).toEqual(['lot-1', '7']);
    expect(forgotten).toEqual(['', '']);
  });

  it('the export’s day and encoding', async () => {
    const { kept, forgotten } = await throughTheLock(
      () => <ExportScreen />,
      () => {
        fireEvent.change(input('export-date'), { target: { value: '2026-11-20' } });
        fireEvent.click(input('export-encoding-shift_jis'));
      },
      () => [input('export-date').value, String(input('export-encoding-shift_jis').checked)],
    );
    expect(kept).toEqual(['2026-11-20', 'true']);
    expect(forgotten[1]).toBe('false');
    expect(forgotten[0]).not.toBe('2026-11-20');
  });
});
