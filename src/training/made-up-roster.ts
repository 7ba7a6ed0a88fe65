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

const FAMILY = [['ヤマダ', '山田'], ['スズキ', '鈴木'], ['タカハシ', '高橋'], ['タナカ', '田中'], ['ワタナベ', '渡辺'], ['イトウ', '伊藤'], ['ナカムラ', '中村'], ['コバヤシ', '小林']] as const;
const GIVEN = [['タロウ', '太郎'], ['ハナコ', '花子'], ['イチロウ', '一郎'], ['ヨウコ', '洋子'], ['ケンジ', '健二'], ['ミキ', '美紀'], ['サトシ', '聡'], ['ユイ', '結衣']] as const;

/**
 * A deterministic generated roster of `count` people with one booking each
 * (training mode's roster of any size, and the benchmarks). Rows are produced
 * lazily as CSV text chunks so a million people never sit in memory as objects.
 */
export function* generatedRosterCsv(options: { count: number; municipality: string; venue: string; date: string; product: string; firstTicket?: number }): Generator<string> {
  yield `${ROSTER_COLUMNS.join(',')}\r\n`;
  const lines: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const [fk, fj] = FAMILY[i % FAMILY.length] ?? FAMILY[0];
    const [gk, gj] = GIVEN[Math.floor(i / FAMILY.length) % GIVEN.length] ?? GIVEN[0];
    const ticket = String((options.firstTicket ?? 1) + i).padStart(10, '0');
    const year = 1940 + (i % 60);
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = String(1 + (i % 28)).padStart(2, '0');
    const hour = 9 + (i % 8);
    lines.push(
      [
        options.municipality, ticket, '1', 'active', `R${ticket}`, `${fk} ${gk}`, `${fj}${gj}`, `${year}-${month}-${day}`, i % 2 ? 'F' : 'M',
        '', '', '', `B${ticket}`, options.venue, options.date, `${hour}:00-${hour}:30`, '1', options.product, '',
      ].join(','),
    );
    if (lines.length === 10_000) {
      yield `${lines.join('\r\n')}\r\n`;
      lines.length = 0;
    }
  }
  if (lines.length) yield `${lines.join('\r\n')}\r\n`;
}
