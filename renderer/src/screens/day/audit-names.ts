/**
 * A record named as staff know it (the record an audit entry is about, a
 * record an export left out): the
 * person's check-in or dose record (受付 · 山田 太郎 · 1回目), a lot, a desk,
 * a staff member, a walk-in request, a ticket. Ids are looked up in what the
 * screens already read (day records by id, lots, staff, desks, walk-ins);
 * an id none of them knows is shown only in the entry's details.
 */
import { useEffect, useState } from 'react';
import { call, hasOperation, type Value } from '../../api/venue';
import { translate } from '../../i18n/t';
import type { Language } from '../../stores/prefs';

type Entry = Value<'auditLog'>['entries'][number];

/** The dayRecords call takes at most this many ids at once. */
const IDS_PER_CALL = 50;
const TICKET_ID = /^(\d{6})-(\d{10})$/;
/** Check-ins and dose records have UUIDs; only those are asked of dayRecords. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Other ids an entry's details point at: the record a void or a re-record is about. */
export function relatedIds(entry: Entry): string[] {
  const detail = parseDetail(entry.detail);
  return ['target', 'replaces'].map((key) => detail[key]).filter((v): v is string => typeof v === 'string');
}

/** The entry's details as key and value (codes and ids only, as the core writes them). */
export function parseDetail(detail: string | null): Record<string, unknown> {
  if (!detail) return {};
  try {
    const parsed: unknown = JSON.parse(detail);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { detail: parsed };
  } catch {
    return { detail };
  }
}

async function recordNames(ids: readonly string[], language: Language): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const dose = (n: number) => translate(language, 'verdict.dose', { n });
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
    const reply = await call('dayRecords', { ids: ids.slice(i, i + IDS_PER_CALL) });
    if (!reply.ok) continue;
    for (const c of reply.value.checkins) names.set(c.id, `${translate(language, 'audit.rec.checkin')} · ${c.nameKanji} · ${dose(c.doseNumber)}`);
    for (const d of reply.value.doses) names.set(d.id, `${translate(language, 'audit.rec.dose')} · ${d.nameKanji} · ${dose(d.doseNumber)}`);
  }
  return names;
}

async function catalogNames(language: Language, deskNames: Readonly<Record<string, string>>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const [staff, lots, walkIns] = await Promise.all([
    call('listStaff', {}),
    call('listLots', {}),
    hasOperation('listWalkIns') ? call('listWalkIns', {}) : Promise.resolve(null),
  ]);
  if (staff.ok) for (const s of staff.value) names.set(s.id, `${translate(language, 'audit.rec.staff')} · ${s.displayName}`);
  if (lots.ok) for (const l of lots.value) names.set(l.id, `${translate(language, 'audit.rec.lot')} · ${l.lotNumber}`);
  if (walkIns?.ok) for (const w of walkIns.value) names.set(w.id, `${translate(language, 'audit.rec.walkIn')}${w.person ? ` · ${w.person.nameKanji}` : ''}`);
  for (const [id, name] of Object.entries(deskNames)) names.set(id, `${translate(language, 'audit.rec.desk')} · ${name}`);
  return names;
}

/** A ticket id as the core writes it (131016-0000100001): the ticket, as printed. */
function ticketName(id: string, language: Language): string | null {
  const m = TICKET_ID.exec(id);
  return m ? `${translate(language, 'verdict.ticket')} ${m[1]} ${m[2]}` : null;
}

/** The ids an audit entry names: its record, and the record a void or a re-record is about. */
export function idsOfEntries(entries: readonly Entry[]): string[] {
  return entries.flatMap((e) => [e.recordId, ...relatedIds(e)]).filter((id): id is string => !!id);
}

/** Names for these records, by id; read again when the ids change. */
export function useRecordNames(recordIds: readonly string[], language: Language, deskNames: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const key = [...new Set(recordIds)].sort().join(',');
  useEffect(() => {
    let cancelled = false;
    const wanted = key ? key.split(',') : [];
    void (async () => {
      const [records, catalog] = await Promise.all([recordNames(wanted.filter((id) => UUID.test(id)), language), catalogNames(language, deskNames)]);
      const found = new Map<string, string>();
      for (const id of wanted) {
        const name = records.get(id) ?? catalog.get(id) ?? ticketName(id, language);
        if (name) found.set(id, name);
      }
      if (!cancelled) setNames(found);
    })();
    return () => {
      cancelled = true;
    };
  }, [key, language, deskNames]);
  return names;
}
