/**
 * The supervisor's day: the reconciliation of one venue-day (today, or a
 * past day picked on the screen), its check-ins and dose records with who
 * made them, the staff's names, and the venue's lots. Each load is numbered
 * so a slow answer for the previously picked day never replaces the new one.
 */
import { create } from 'zustand';
import type { ReplyError } from '../../../src/api/reply';
import { venueDate } from '../../../src/common/time';
import { call, type Value } from '../api/venue';
import { onSessionEnd, onWipe } from './privacy';

export type DayReport = Value<'dayReport'>;
export type Discrepancy = DayReport['discrepancies'][number];
export type DayRecords = Value<'dayRecords'>;
export type DayCheckin = DayRecords['checkins'][number];
export type DayDose = DayRecords['doses'][number];
export type VenueLot = Value<'listLots'>[number];

interface DayState {
  /** The day shown (YYYY-MM-DD); today's date until a supervisor picks another. */
  readonly date: string;
  readonly report: DayReport | null;
  readonly records: DayRecords | null;
  /** Staff id → display name, for sign-offs and explanations. */
  readonly staffNames: Readonly<Record<string, string>>;
  readonly lots: readonly VenueLot[];
  readonly error: ReplyError | null;
  /** The supervisor is closing the day: the report counts people still waiting as discrepancies to explain. */
  readonly closing: boolean;
  readonly seq: number;
  setDate(date: string): void;
  setClosing(closing: boolean): void;
  load(): Promise<void>;
}

const BLANK = { report: null, records: null, error: null, closing: false } as const;

export function today(): string {
  return venueDate(new Date());
}

export const useDay = create<DayState>((set, get) => ({
  ...BLANK,
  date: today(),
  staffNames: {},
  lots: [],
  seq: 0,

  setDate(date) {
    if (date === get().date) return;
    set({ ...BLANK, date });
    void get().load();
  },

  setClosing(closing) {
    if (closing === get().closing) return;
    set({ closing });
    void get().load();
  },

  async load() {
    const seq = get().seq + 1;
    const { date, closing } = get();
    set({ seq });
    const [report, records, staff, lots] = await Promise.all([
      call('dayReport', { date, closing }),
      call('dayRecords', { date }),
      call('listStaff', {}),
      call('listLots', {}),
    ]);
    if (get().seq !== seq) return;
    set({
      report: report.ok ? report.value : null,
      records: records.ok ? records.value : null,
      staffNames: staff.ok ? Object.fromEntries(staff.value.map((s) => [s.id, s.displayName])) : get().staffNames,
      lots: lots.ok ? lots.value : get().lots,
      error: report.ok ? (records.ok ? null : records.error) : report.error,
    });
  },
}));

// The records carry people's names: they go when the screen locks. The day picked, and a close
// under way, stay for the supervisor who comes back; the next person starts at today.
onWipe(() => useDay.setState((s) => ({ ...BLANK, closing: s.closing, seq: s.seq + 1 })));
onSessionEnd(() => useDay.setState((s) => ({ ...BLANK, date: today(), seq: s.seq + 1 })));
