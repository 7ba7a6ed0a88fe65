/**
 * The dose_records table: its one column list, its one insert and its one
 * read, for a dose recorded here (src/doses/record.ts) and one from another
 * desk (src/sync/apply.ts) alike. A row is the record as it travels
 * (`DoseData`, src/records/schemas.ts) plus where it stands on this device
 * (`DoseLocal`); what differs between the two paths (the checks made before a
 * dose is recorded here, the lot alias and the late-record note for one from
 * the feed) stays with the caller.
 */
import type { VenueDb } from '../store/database';
import type { DoseData } from '../records/schemas';
import { DOSE_CHECK_CODES, type DoseCheckCode } from '../records/vocabulary';

export type { DoseData } from '../records/schemas';

/** Product checks confirmed by the nurse before the save, and why: kept on the record. */
export interface ConfirmedChecks {
  readonly codes: readonly DoseCheckCode[];
  readonly reason: string;
}

/** Beside what travels: who the record is about here, and the void that points at it (voids are records of their own). */
export interface DoseLocal {
  readonly personId: number;
  readonly voidedBy: string | null;
}

/** A dose record as the screens read it: what travels, its void, and its checks (null when there was nothing to confirm). */
export type DoseRecord = Readonly<Omit<DoseData, 'observationMinutes' | 'checks'>> & {
  readonly observationMinutes: number | null;
  readonly voidedBy: string | null;
  readonly checks: ConfirmedChecks | null;
};

/** What is stored: the travelling fields (less the product's name and maker, read from products) and DoseLocal. */
type Stored = Omit<DoseData, 'productName' | 'maker' | 'checks'> & DoseLocal & { checkCodes: string | null; checkReason: string | null };

/** dose_records' columns, each by the field that fills it. The one list: the insert and the read are made from it. */
const COLUMNS = {
  id: 'id',
  municipality: 'municipality',
  ticketNumber: 'ticket_number',
  personId: 'person_id',
  checkinId: 'checkin_id',
  doseNumber: 'dose_number',
  status: 'status',
  reason: 'reason',
  givenAt: 'given_at',
  venueDate: 'venue_date',
  venueId: 'venue_id',
  deskId: 'desk_id',
  productId: 'product_id',
  lotId: 'lot_id',
  lotNumber: 'lot_number',
  expiry: 'expiry',
  volumeMl: 'volume_ml',
  site: 'site',
  nurseId: 'nurse_id',
  doctor: 'doctor',
  recordedAt: 'recorded_at',
  replaces: 'replaces',
  voidedBy: 'voided_by',
  observationMinutes: 'observation_minutes',
  checkCodes: 'check_codes',
  checkReason: 'check_reason',
} as const satisfies { readonly [F in keyof Stored]-?: string };

const FIELDS = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];

const INSERT = `INSERT INTO dose_records (${FIELDS.map((f) => COLUMNS[f]).join(', ')}) VALUES (${FIELDS.map((f) => `@${f}`).join(', ')})`;

/** Writes one dose record. The caller has checked what its path requires (see the file's comment). */
export function insertDoseRow(db: VenueDb, data: DoseData, local: DoseLocal): void {
  const { checks, productName: _name, maker: _maker, ...fields } = data;
  const stored: Stored = {
    ...fields,
    ...local,
    observationMinutes: data.observationMinutes ?? null,
    checkCodes: checks ? checks.codes.join(',') : null,
    checkReason: checks?.reason ?? null,
  };
  db.prepare(INSERT).run(stored);
}

/** Every column by its field's name, with the product's name and maker from products. */
export const DOSE_SELECT = `SELECT ${FIELDS.map((f) => `d.${COLUMNS[f]} AS ${f}`).join(', ')}, p.name AS productName, p.maker AS maker
  FROM dose_records d LEFT JOIN products p ON p.id = d.product_id`;

/** A row read with DOSE_SELECT. */
export type DoseRow = Stored & { productName: string | null; maker: string | null };

function checksOf(row: DoseRow): ConfirmedChecks | null {
  if (!row.checkCodes || row.checkReason === null) return null;
  const codes = row.checkCodes.split(',').filter((c): c is DoseCheckCode => (DOSE_CHECK_CODES as readonly string[]).includes(c));
  return { codes, reason: row.checkReason };
}

export function toDoseRecord(row: DoseRow): DoseRecord {
  const { personId: _person, checkCodes: _codes, checkReason: _reason, ...record } = row;
  return { ...record, observationMinutes: row.observationMinutes ?? null, checks: checksOf(row) };
}
