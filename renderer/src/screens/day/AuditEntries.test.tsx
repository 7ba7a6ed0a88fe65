// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../../api/venue';
import { useDesks } from '../../stores/desks';
import { installVenueStub } from '../../test/venue-stub';
import { AuditEntries } from './AuditEntries';

type Entry = Value<'auditLog'>['entries'][number];

const DOSE_ID = '01900000-0000-7000-8000-0000000d0001';
const LOT_ID = '01900000-0000-7000-8000-00000000a001';
const STAFF_ID = '01900000-0000-7000-8000-00000000b001';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i;

const entries: Entry[] = [
  { seq: 12, at: '2026-11-23T09:41:00+09:00', staffId: STAFF_ID, staffName: '看護 次郎', deskId: 'N1', action: 'recordDose', recordId: DOSE_ID, outcome: 'ok', detail: JSON.stringify({ dose: 1, status: 'performed', lot: LOT_ID }) },
  { seq: 11, at: '2026-11-23T09:40:00+09:00', staffId: STAFF_ID, staffName: '看護 次郎', deskId: 'N1', action: 'signIn', recordId: null, outcome: 'WRONG_CREDENTIALS', detail: JSON.stringify({ reason: 'wrong-password' }) },
  { seq: 10, at: '2026-11-23T09:39:00+09:00', staffId: null, staffName: null, deskId: null, action: 'somethingNew', recordId: LOT_ID, outcome: 'ok', detail: null },
];

beforeAll(() => {
  const venue = installVenueStub();
  venue.answer('dayRecords', {
    ok: true,
    value: { checkins: [], doses: [{ id: DOSE_ID, nameKanji: '山田 太郎', nameKana: 'ヤマダ タロウ', doseNumber: 1 }] },
  } as never);
  venue.answer('listStaff', { ok: true, value: [{ id: STAFF_ID, login: 'kango', displayName: '看護 次郎', role: 'nurse', disabled: false }] });
  venue.answer('listLots', { ok: true, value: [{ id: LOT_ID, lotNumber: 'FA1234' }] } as never);
  venue.answer('listWalkIns', { ok: true, value: [] });
  useDesks.setState({ names: { R1: '受付1', N1: '接種ブース1' } });
});

afterEach(cleanup);

/** What a row shows without opening its details. */
function shown(row: HTMLElement): string {
  return [...row.querySelectorAll('td')].filter((cell) => !cell.querySelector('details')).map((cell) => cell.textContent ?? '').join(' | ');
}

describe('the audit log in staff words', () => {
  it('names the operation, the desk and the record as staff know them; ids and codes only in the details, closed', async () => {
    render(<AuditEntries entries={entries} />);
    const rows = screen.getAllByTestId('audit-entry');
    await screen.findByText('接種記録 · 山田 太郎 · 1回目');
    const [dose, signIn, unknown] = rows.map(shown);
    expect(dose).toContain('接種を記録');
    expect(dose).toContain('接種ブース1');
    expect(dose).toContain('看護 次郎');
    expect(dose).toContain('2026年11月23日 09:41');
    expect(signIn).toContain('ログイン');
    expect(signIn).toContain('IDかパスワードの誤り');
    expect(unknown).toContain('その他の操作');
    expect(unknown).toContain('ロット · FA1234');
    expect(unknown).toContain('システム');
    for (const row of [dose, signIn, unknown]) {
      expect(row).not.toMatch(UUID);
      expect(row).not.toContain('{');
      expect(row).not.toMatch(/recordDose|signIn|WRONG_CREDENTIALS|\bN1\b/);
    }
    const details = within(rows[0] as HTMLElement).getByTestId('audit-detail') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain(DOSE_ID);
    expect(details.textContent).toContain('recordDose');
    // The lot the dose used, named, with its id beside it.
    expect(details.textContent).toContain(`ロット · FA1234 (${LOT_ID})`);
    await act(async () => undefined);
  });

  it('speaks English when the desk does', async () => {
    const { usePrefs } = await import('../../stores/prefs');
    usePrefs.setState({ language: 'en' });
    render(<AuditEntries entries={entries} />);
    await screen.findByText('Dose record · 山田 太郎 · dose 1');
    expect(shown(screen.getAllByTestId('audit-entry')[0] as HTMLElement)).toContain('Recorded a dose');
    usePrefs.setState({ language: 'ja' });
  });
});
