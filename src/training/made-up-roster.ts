import { writeCsv } from '../roster/csv';
import { ROSTER_COLUMNS } from '../roster/roster-csv';

/**
 * Made-up people as roster rows: the demo venue, training mode, tests and
 * benchmarks all write their rosters through this, in the municipality's own
 * CSV format (docs/roster-csv.md), and import them the way a real one is.
 * Every name and number given to it is invented.
 */
export interface MadeUpPerson {
  municipality: string;
  ticketNumber: string;
  ticketKind?: string;
  status?: 'active' | 'moved_out' | 'deceased' | 'reissued';
  personRef: string;
  nameKana: string;
  nameKanji: string;
  birthDate: string;
  sex: 'M' | 'F' | 'U';
  phone?: string;
  email?: string;
  priorDoses?: { dose: number; date: string; product: string; place: string }[];
  bookings?: { id: string; venue: string; date: string; slot: string; dose: number; product: string; set?: string }[];
}

export function rosterRows(people: readonly MadeUpPerson[]): string[][] {
  const rows: string[][] = [];
  for (const p of people) {
    const base = [
      p.municipality,
      p.ticketNumber,
      p.ticketKind ?? '1',
      p.status ?? 'active',
      p.personRef,
      p.nameKana,
      p.nameKanji,
      p.birthDate,
      p.sex,
      p.phone ?? '',
      p.email ?? '',
      (p.priorDoses ?? []).map((d) => `${d.dose}:${d.date}:${d.product}:${d.place}`).join(';'),
    ];
    const bookings = p.bookings ?? [];
    if (bookings.length === 0) rows.push([...base, '', '', '', '', '', '', '']);
    for (const b of bookings) rows.push([...base, b.id, b.venue, b.date, b.slot, String(b.dose), b.product, b.set ?? '']);
  }
  return rows;
}

export function rosterCsv(people: readonly MadeUpPerson[], encoding: 'utf-8' | 'shift_jis' = 'utf-8'): Buffer {
  return writeCsv([...ROSTER_COLUMNS], rosterRows(people), { encoding });
}
