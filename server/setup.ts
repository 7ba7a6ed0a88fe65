import { isValidMunicipalityCode } from '../src/privacy/checkdigits';
import type { CentralDb } from './db';
import { emit, lockFeed, notifyFeed } from './feed';
import { Problem, refuseIndividualNumber, shown } from './problems';

/** Municipalities, their venues and the venues' desks: set up by the administrator. */

/** Venue codes as bookings in the roster CSV write them. */
export const VENUE_ID = /^[A-Za-z0-9_-]{1,20}$/;
/** Desk ids as the venue app keeps them. */
export const DESK_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Control characters, and private-use characters (外字) that devices cannot show. */
function hasControlCharacters(value: string): boolean {
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xe000 && c <= 0xf8ff)) return true;
  }
  return false;
}

/** A name staff will see: trimmed, 1..max characters, nothing unprintable, never an individual number. */
export function checkName(value: string, max: number, what: { en: string; ja: string }): string {
  const name = value.trim();
  refuseIndividualNumber(name, what);
  if (name.length === 0 || [...name].length > max || hasControlCharacters(name)) {
    throw new Problem(400, 'INVALID_NAME', `The ${what.en} must be 1–${max} printable characters.`, `${what.ja}は1〜${max}文字の表示できる文字にしてください。`);
  }
  return name;
}

export async function requireMunicipality(db: Pick<CentralDb, 'query'>, code: string): Promise<{ code: string; name: string }> {
  const [row] = await db.query<{ code: string; name: string }>(`SELECT code, name FROM municipalities WHERE code = $1`, [code]);
  if (!row) throw new Problem(404, 'UNKNOWN_MUNICIPALITY', `There is no municipality ${shown(code)}. Add it first.`, `市区町村 ${shown(code)} は登録されていません。先に登録してください。`);
  return row;
}

export async function requireVenue(db: Pick<CentralDb, 'query'>, id: string): Promise<{ id: string; name: string; municipality: string }> {
  const [row] = await db.query<{ id: string; name: string; municipality: string }>(`SELECT id, name, municipality FROM venues WHERE id = $1`, [id]);
  if (!row) throw new Problem(404, 'UNKNOWN_VENUE', `There is no venue ${shown(id)}.`, `会場 ${shown(id)} は登録されていません。`);
  return row;
}

export async function addMunicipality(db: CentralDb, input: { code: string; name: string }): Promise<{ code: string; name: string }> {
  if (!/^\d{6}$/.test(input.code) || !isValidMunicipalityCode(input.code)) {
    throw new Problem(
      400,
      'INVALID_MUNICIPALITY_CODE',
      'That is not a municipality code: 6 digits, the last a check digit (e.g. 131016).',
      `市区町村コードが正しくありません。検査数字つきの6桁です（例 131016）。`,
    );
  }
  const name = checkName(input.name, 40, { en: 'municipality name', ja: '市区町村名' });
  await db.query(`INSERT INTO municipalities (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`, [input.code, name]);
  return { code: input.code, name };
}

export async function addVenue(db: CentralDb, input: { municipality: string; id: string; name: string }): Promise<{ id: string; name: string; municipality: string }> {
  refuseIndividualNumber(input.id, { en: 'venue code', ja: '会場コード' });
  if (!VENUE_ID.test(input.id)) {
    throw new Problem(400, 'INVALID_VENUE_ID', 'A venue code is 1–20 letters, digits, hyphens or underscores (as in the roster file).', '会場コードは英数字・ハイフン・下線で1〜20文字です（名簿ファイルと同じ）。');
  }
  // VRS limits the venue to 30 characters; the export carries it as it is.
  const name = checkName(input.name, 30, { en: 'venue name', ja: '会場名' });
  return db.transaction(async (tx) => {
    await requireMunicipality(tx, input.municipality);
    const [existing] = await tx.query<{ municipality: string }>(`SELECT municipality FROM venues WHERE id = $1`, [input.id]);
    if (existing && existing.municipality !== input.municipality) {
      throw new Problem(409, 'VENUE_EXISTS', `Venue ${shown(input.id)} belongs to another municipality.`, `会場 ${shown(input.id)} は別の市区町村に登録されています。`);
    }
    await lockFeed(tx, input.municipality);
    await tx.query(`INSERT INTO venues (id, municipality, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, [
      input.id,
      input.municipality,
      name,
    ]);
    const venue = { id: input.id, name, municipality: input.municipality };
    // Every device of the municipality learns every venue: a booking elsewhere shows the venue's name.
    await emit(tx, input.municipality, [{ venueId: null, kind: 'venue', key: venue.id, body: JSON.stringify(venue) }]);
    await notifyFeed(tx, input.municipality);
    return venue;
  });
}

export async function addDesk(db: CentralDb, input: { venueId: string; id: string; name: string }): Promise<{ id: string; venueId: string; name: string }> {
  refuseIndividualNumber(input.id, { en: 'desk id', ja: '受付台のID' });
  if (!DESK_ID.test(input.id)) {
    throw new Problem(400, 'INVALID_DESK_ID', 'A desk id is 1–64 letters, digits or . _ : -', '受付台のIDは英数字と . _ : - で1〜64文字です。');
  }
  const name = checkName(input.name, 30, { en: 'desk name', ja: '受付台の名前' });
  return db.transaction(async (tx) => {
    const venue = await requireVenue(tx, input.venueId);
    await lockFeed(tx, venue.municipality);
    await tx.query(`INSERT INTO desks (venue_id, id, name) VALUES ($1, $2, $3) ON CONFLICT (venue_id, id) DO UPDATE SET name = EXCLUDED.name`, [venue.id, input.id, name]);
    const desk = { id: input.id, venueId: venue.id, name };
    await emit(tx, venue.municipality, [{ venueId: venue.id, kind: 'desk', key: `${venue.id}/${desk.id}`, body: JSON.stringify(desk) }]);
    await notifyFeed(tx, venue.municipality);
    return desk;
  });
}

export async function listVenues(db: CentralDb, municipality?: string) {
  return db.query<{ id: string; name: string; municipality: string; desks: string[] | null }>(
    `SELECT v.id, v.name, v.municipality, (SELECT array_agg(d.id ORDER BY d.id) FROM desks d WHERE d.venue_id = v.id) AS desks
     FROM venues v WHERE $1::text IS NULL OR v.municipality = $1 ORDER BY v.municipality, v.id`,
    [municipality ?? null],
  );
}
