// The roster & bookings CSV format (docs/roster-csv.md): its columns, the rows
// it yields, and the words its fields may hold.
import type { CsvEncodingOption } from './csv';
import { say } from './import-errors';
import type { HeaderSpec } from './import-kit';


export const ROSTER_COLUMNS = [
  'municipality_code',
  'ticket_number',
  'ticket_kind',
  'ticket_status',
  'person_ref',
  'name_kana',
  'name_kanji',
  'birth_date',
  'sex',
  'phone',
  'email',
  'prior_doses',
  'booking_id',
  'booking_venue',
  'booking_date',
  'booking_slot',
  'booking_dose',
  'booking_product',
  'booking_set',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

export const ROSTER_SPEC: HeaderSpec<RosterColumn> = {
  columns: ROSTER_COLUMNS,
  required: new Set<RosterColumn>([
    'municipality_code',
    'ticket_number',
    'ticket_kind',
    'ticket_status',
    'person_ref',
    'name_kana',
    'name_kanji',
    'birth_date',
    'sex',
  ]),
  what: say('名簿ファイル', 'roster file'),
};

/** The booking columns that must all be filled when any booking column is. */
export const BOOKING_REQUIRED: readonly RosterColumn[] = [
  'booking_id',
  'booking_venue',
  'booking_date',
  'booking_slot',
  'booking_dose',
  'booking_product',
];

export type TicketStatus = 'active' | 'moved_out' | 'deceased' | 'reissued';
export type Sex = 'M' | 'F' | 'U';

export interface PriorDose {
  dose: number;
  date: string;
  product: string;
  place: string;
}

export interface RosterBooking {
  id: string;
  venue: string;
  date: string;
  slotStart: string;
  slotEnd: string;
  dose: number;
  product: string;
  setId: string | null;
}

export interface RosterRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  municipality: string;
  ticketNumber: string;
  ticketKind: string;
  ticketStatus: TicketStatus;
  personRef: string;
  /** Full-width katakana (NFKC); the parts of the name are separated by one ASCII space. */
  nameKana: string;
  nameKanji: string;
  birthDate: string;
  sex: Sex;
  /** Digits only, e.g. 09012345678. */
  phone: string | null;
  email: string | null;
  /** Sorted by dose number. */
  priorDoses: PriorDose[];
  booking: null | RosterBooking;
}

export interface RosterParseOptions {
  /** Default 'auto': UTF-8 (with or without BOM) or Shift_JIS (CP932). */
  encoding?: CsvEncodingOption;
  /** YYYY-MM-DD. When given, birth dates and earlier doses may not be after it. */
  today?: string;
  /** When given, every product code (bookings and earlier doses) must be one of these. */
  knownProducts?: ReadonlySet<string>;
  /** When given, every booking venue must be one of these. */
  knownVenues?: ReadonlySet<string>;
}

export const STATUS = new Map<string, TicketStatus>([
  ['active', 'active'],
  ['moved_out', 'moved_out'],
  ['deceased', 'deceased'],
  ['reissued', 'reissued'],
  ['有効', 'active'],
  ['転出', 'moved_out'],
  ['死亡', 'deceased'],
  ['再発行', 'reissued'],
]);

export const SEX = new Map<string, Sex>([
  ['m', 'M'],
  ['f', 'F'],
  ['u', 'U'],
  ['M', 'M'],
  ['F', 'F'],
  ['U', 'U'],
  ['男', 'M'],
  ['女', 'F'],
  ['不明', 'U'],
  ['1', 'M'],
  ['2', 'F'],
  ['9', 'U'],
]);

export const KANA_PART = /^[\u30A1-\u30FE]+$/; // ァ … ヺ, ・, ー, ヽ, ヾ
export const HIRAGANA = /[\u3041-\u3096]/;
export const PERSON_REF = /^[A-Za-z0-9-]{1,20}$/;
export const VENUE_CODE = /^[A-Za-z0-9_-]{1,20}$/;
export const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
export const SLOT = /^(\d{1,2}):(\d{2})\s*[-~〜]\s*(\d{1,2}):(\d{2})$/;
