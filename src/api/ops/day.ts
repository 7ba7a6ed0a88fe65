import { z } from 'zod';
import { noIndividualNumber } from '../../privacy/schema';
import { verifyAuditLog } from '../../audit/log';
import { text } from '../../common/messages';
import { doseNumber, instant, isoDate, municipalityCode, recordId, ticketNumber } from '../../common/schemas';
import { isCalendarDate, venueDate, venueIso } from '../../common/time';
import { assertDayOpen } from '../../day/close';
import { endObservation, observationBoard } from '../../day/observation';
import { writeVrsCsv } from '../../day/vrs';
import { getLot, recordVialsOpened } from '../../doses/catalog';
import { DOSE_CHECK_CODES, INJECTION_SITES } from '../../records/vocabulary';
import { getDoseRecord, recordDose } from '../../doses/record';
import { followingBooking } from '../../checkin/verdict';
import { bookingSummarySchema } from '../../checkin/schema';
import { CsvEncodingError } from '../../roster/csv';
import { findTicket, venueName } from '../../roster/repo';
import { defineOperation, refuse, type HandlerContext } from '../operation';
import { sessionOf, venueOf } from './common';
import { centralComparison } from '../../sync/audit-check';

const calendarDate = isoDate.refine(isCalendarDate, 'a real calendar date');
const reason = noIndividualNumber(z.string().trim().min(2).max(200));

function dateOf(context: HandlerContext, date: string | undefined): string {
  return date ?? venueDate(context.now);
}

const voidSchema = z.object({ id: z.string(), reason: z.string(), at: z.string(), staffName: z.string().nullable() });

/** A check-in as the supervisor judges it: when, where, who checked in whom, and whether it was voided. */
const dayCheckinSchema = z.object({
  id: z.string(), municipality: z.string(), ticketNumber: z.string(), doseNumber: z.number(), at: z.string(), venueDate: z.string(),
  deskId: z.string(), staffName: z.string().nullable(), walkIn: z.boolean(), nameKana: z.string(), nameKanji: z.string(), void: voidSchema.nullable(),
});

/** A dose record with the names a supervisor needs to judge it (the person's, the nurse's) and its void. */
const dayDoseSchema = z.object({
  id: z.string(), municipality: z.string(), ticketNumber: z.string(), doseNumber: z.number(), status: z.enum(['performed', 'not_performed']),
  reason: z.string().nullable(), givenAt: z.string(), venueDate: z.string(), venueId: z.string(), deskId: z.string(), productName: z.string().nullable(),
  lotId: z.string().nullable(), lotNumber: z.string().nullable(), expiry: z.string().nullable(), site: z.enum(INJECTION_SITES).nullable(),
  doctor: z.string().nullable(), nurseName: z.string().nullable(), checkinId: z.string().nullable(), recordedAt: z.string(), replaces: z.string().nullable(),
  replacedBy: z.string().nullable(), observationMinutes: z.number().nullable(), nameKana: z.string(), nameKanji: z.string(), void: voidSchema.nullable(),
});

interface VoidRow { void_id: string | null; void_reason: string | null; void_at: string | null; void_staff: string | null }

const voidOf = (row: VoidRow) => (row.void_id ? { id: row.void_id, reason: row.void_reason ?? '', at: row.void_at ?? '', staffName: row.void_staff } : null);

/** Where a read of the day's records starts: by day, or by the ids a discrepancy names (those may reach into other days). */
function recordFilter(alias: string, input: { ids?: string[] | undefined }, venueId: string, date: string): { where: string; params: string[] } {
  if (input.ids) return { where: `${alias}.id IN (${input.ids.map(() => '?').join(', ') || 'NULL'})`, params: input.ids };
  return { where: `${alias}.venue_id = ? AND ${alias}.venue_date = ?`, params: [venueId, date] };
}

export const dayOperations = {
  recordVialsOpened: defineOperation({
    summary: 'How many vials of a lot were opened today (for the lot reconciliation).',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ lotId: noIndividualNumber(z.string().max(64)), vials: z.number().int().min(0).max(10_000), date: calendarDate.optional() }),
    output: z.object({ lotId: z.string(), vials: z.number(), date: z.string() }),
    handler(input, context) {
      const venueId = venueOf(context);
      const lot = getLot(context.db, input.lotId);
      if (!lot || lot.venueId !== venueId) refuse('UNKNOWN_LOT', text('この会場のロットではありません。', 'This lot is not registered at this venue.'));
      const date = dateOf(context, input.date);
      assertDayOpen(context.db, venueId, date);
      recordVialsOpened(context.db, { venueId, date, lotId: lot.id, vials: input.vials, staffId: sessionOf(context).staff.id }, context.now, context.records);
      context.audit(lot.id, { vials: input.vials });
      // Also tells the sync service to send the count now.
      context.emit({ type: 'vials', id: lot.id });
      return { lotId: lot.id, vials: input.vials, date };
    },
  }),

  rerecordDose: defineOperation({
    summary: 'A supervisor records a dose again after voiding the wrong record (also on a closed day), with a reason.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({
      voidedRecordId: recordId,
      reason,
      municipality: municipalityCode,
      ticketNumber,
      doseNumber,
      status: z.enum(['performed', 'not_performed']),
      notPerformedReason: noIndividualNumber(z.string().trim().max(200)).nullish(),
      givenAt: instant,
      lotId: noIndividualNumber(z.string().max(64)).nullish(),
      site: z.enum(INJECTION_SITES).nullish(),
      doctor: noIndividualNumber(z.string().trim().max(20)).nullish(),
    }),
    output: z.object({ id: z.string(), replaces: z.string() }),
    handler(input, context) {
      const voided = getDoseRecord(context.db, input.voidedRecordId);
      if (!voided || !voided.voidedBy) {
        refuse('NOT_VOIDED', text('再記録できるのは取り消した記録だけです。先に元の記録を取り消してください。', 'Only a voided record can be re-recorded. Void the original first.'));
      }
      if (context.db.prepare(`SELECT 1 FROM dose_records WHERE replaces = ? AND voided_by IS NULL`).get(voided.id)) {
        refuse('ALREADY_RERECORDED', text('この記録は既に再記録されています。', 'This record has already been re-recorded.'));
      }
      // The dose was given by the nurse of the original record; the supervisor who corrected it is in the audit log.
      // A correction is deliberate and has its reason: it confirms whatever product checks the lot raises, and the record keeps them.
      const record = recordDose(
        context.db,
        { ...input, reason: input.status === 'not_performed' ? input.notPerformedReason : null, confirmChecks: { codes: DOSE_CHECK_CODES, reason: input.reason } },
        { venueId: venueOf(context), deskId: voided.deskId, nurseId: voided.nurseId, now: context.now, replaces: voided.id },
        context.records,
      );
      context.audit(record.id, { replaces: voided.id, reason: input.reason.slice(0, 80) });
      context.emit({ type: 'dose', id: record.id });
      return { id: record.id, replaces: voided.id };
    },
  }),

  observationBoard: defineOperation({
    summary: 'People under observation after their dose, with the time left; those whose time is up are marked due.',
    passive: true,
    access: { roles: ['nurse', 'supervisor', 'reception'] },
    input: z.strictObject({}),
    output: z.array(z.object({
      doseId: z.string(), municipality: z.string(), ticketNumber: z.string(), doseNumber: z.number(), nameKana: z.string(), nameKanji: z.string(),
      deskId: z.string(), startedAt: z.string(), minutes: z.number(), endsAt: z.string(), secondsLeft: z.number(), due: z.boolean(),
    })),
    handler(_input, context) {
      return observationBoard(context.db, venueOf(context), venueDate(context.now), context.now);
    },
  }),

  observationTimes: defineOperation({
    summary: 'For a locked screen: when each observation of today ends (dose ids and times, never names), so a locked board still counts who is due and rings.',
    passive: true,
    access: { roles: ['nurse', 'supervisor', 'reception'], whileLocked: true },
    input: z.strictObject({}),
    output: z.array(z.object({ doseId: z.string(), endsAt: z.string() })),
    handler(_input, context) {
      return observationBoard(context.db, venueOf(context), venueDate(context.now), context.now).map((entry) => ({ doseId: entry.doseId, endsAt: entry.endsAt }));
    },
  }),

  endObservation: defineOperation({
    summary: 'Release a person after their observation time, or refer them to the doctor (with a note) at any time.',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ doseId: recordId, outcome: z.enum(['released', 'referred']), note: noIndividualNumber(z.string().trim().max(200)).nullish() }),
    output: z.object({ doseId: z.string(), outcome: z.enum(['released', 'referred']) }),
    handler(input, context) {
      endObservation(context.db, input, sessionOf(context).staff.id, context.now, context.records);
      context.audit(input.doseId, { outcome: input.outcome });
      context.emit({ type: 'observation', id: input.doseId });
      return { doseId: input.doseId, outcome: input.outcome };
    },
  }),

  exportDoses: defineOperation({
    summary: 'The day’s doses as CSV in the VRS fields (UTF-8 with BOM or Shift_JIS). No individual number: a record with a cell that may hold one is left out and named.',
    training: 'refused',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: calendarDate.optional(), encoding: z.enum(['utf-8', 'shift_jis']) }),
    output: z.object({ fileName: z.string(), csvBase64: z.string(), rows: z.number(), withheld: z.array(z.object({ recordId: z.string(), column: z.string() })) }),
    handler(input, context) {
      const venueId = venueOf(context);
      const date = dateOf(context, input.date);
      const rows = context.db
        .prepare(
          `SELECT d.id, d.recorded_at AS recordedAt, d.venue_date AS venueDate, d.ticket_number AS ticketNumber, d.municipality, d.doctor, d.lot_number AS lotNumber, p.maker
           FROM dose_records d LEFT JOIN products p ON p.id = d.product_id
           WHERE d.venue_id = ? AND d.venue_date = ? AND d.status = 'performed' AND d.voided_by IS NULL ORDER BY d.given_at`,
        )
        .all(venueId, date) as { id: string; recordedAt: string; venueDate: string; ticketNumber: string; municipality: string; doctor: string | null; lotNumber: string | null; maker: string | null }[];
      const name = venueName(context.db, venueId) ?? venueId;
      let file: ReturnType<typeof writeVrsCsv>;
      try {
        file = writeVrsCsv(rows.map((r) => ({ ...r, venueName: name })), input.encoding);
      } catch (error) {
        if (!(error instanceof CsvEncodingError)) throw error;
        // A character Shift_JIS cannot hold (a rare kanji in a doctor's or venue's name, say).
        const where = error.row === null ? '' : `${error.row - 1}`;
        refuse(
          'NOT_ENCODABLE',
          text(
            `${where ? `${where}件目の記録に` : ''}Shift_JIS で書けない文字があります。UTF-8 で出力してください。`,
            `${where ? `Record ${where} has` : 'The records have'} a character Shift_JIS cannot hold. Export in UTF-8 instead.`,
          ),
        );
      }
      context.audit(null, { date, rows: file.rows, withheld: file.withheld.length, encoding: input.encoding });
      const fileName = `vrs-${venueId}-${date.replaceAll('-', '')}${input.encoding === 'shift_jis' ? '-sjis' : ''}.csv`;
      return { fileName, csvBase64: file.csv.toString('base64'), rows: file.rows, withheld: file.withheld };
    },
  }),

  auditLog: defineOperation({
    summary: 'The audit log, filtered by staff, action and time, newest first, with whether the hash chain verifies.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({
      staffId: noIndividualNumber(z.string().max(64)).optional(),
      action: noIndividualNumber(z.string().max(64)).optional(),
      from: instant.optional(),
      to: instant.optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    output: z.object({
      entries: z.array(z.object({
        seq: z.number(), at: z.string(), staffId: z.string().nullable(), staffName: z.string().nullable(), deskId: z.string().nullable(),
        action: z.string(), recordId: z.string().nullable(), outcome: z.string(), detail: z.string().nullable(),
      })),
      chain: z.object({ ok: z.boolean(), entries: z.number(), problems: z.array(z.object({ seq: z.number(), kind: z.string() })) }),
      /** The chain against the copy the central service keeps (null on a device that does not sync). */
      central: z
        .object({
          checkedAt: z.string().nullable(),
          centralSeq: z.number().nullable(),
          ok: z.boolean(),
          mismatches: z.array(z.object({ at: z.string(), kind: z.enum(['cut', 'rewritten']), centralSeq: z.number(), localSeq: z.number() })),
        })
        .nullable(),
    }),
    handler(input, context) {
      const filters: [string, string | undefined][] = [
        ['a.staff_id = ?', input.staffId],
        ['a.action = ?', input.action],
        ['a.at >= ?', input.from && venueIso(new Date(input.from))],
        ['a.at <= ?', input.to && venueIso(new Date(input.to))],
      ];
      const active = filters.filter((f): f is [string, string] => f[1] !== undefined);
      const where = active.map(([clause]) => clause);
      const params = active.map(([, value]) => value);
      const entries = context.db
        .prepare(
          `SELECT a.seq, a.at, a.staff_id AS staffId, s.display_name AS staffName, a.desk_id AS deskId, a.action, a.record_id AS recordId, a.outcome, a.detail
           FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.seq DESC LIMIT ?`,
        )
        .all(...params, input.limit ?? 200) as {
        seq: number; at: string; staffId: string | null; staffName: string | null; deskId: string | null; action: string; recordId: string | null; outcome: string; detail: string | null;
      }[];
      const verified = verifyAuditLog(context.db);
      return { entries, chain: { ok: verified.ok, entries: verified.entries, problems: [...verified.problems] }, central: centralComparison(context.db) };
    },
  }),

  dayRecords: defineOperation({
    summary: 'Read only: the day’s check-ins and dose records (voided ones included, with their voids), or the records a discrepancy names, with who made them.',
    passive: true,
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: calendarDate.optional(), ids: z.array(recordId).max(50).optional() }),
    output: z.object({ checkins: z.array(dayCheckinSchema), doses: z.array(dayDoseSchema) }),
    handler(input, context) {
      const venueId = venueOf(context);
      const date = dateOf(context, input.date);
      const c = recordFilter('c', input, venueId, date);
      // Names only (kana, kanji): never contact details, never the date of birth the list does not need.
      const checkins = context.db
        .prepare(
          `SELECT c.id, c.municipality, c.ticket_number, c.dose_number, c.at, c.venue_date, c.desk_id, s.display_name AS staff_name,
             c.walk_in_approved_by, p.name_kana, p.name_kanji, v.id AS void_id, v.reason AS void_reason, v.at AS void_at, vs.display_name AS void_staff
           FROM checkins c JOIN people p ON p.id = c.person_id LEFT JOIN staff s ON s.id = c.staff_id
           LEFT JOIN voids v ON v.target_id = c.id LEFT JOIN staff vs ON vs.id = v.staff_id
           WHERE ${c.where} ORDER BY c.at, c.id`,
        )
        .all(...c.params) as ({
        id: string; municipality: string; ticket_number: string; dose_number: number; at: string; venue_date: string; desk_id: string;
        staff_name: string | null; walk_in_approved_by: string | null; name_kana: string; name_kanji: string;
      } & VoidRow)[];
      const d = recordFilter('d', input, venueId, date);
      const doses = context.db
        .prepare(
          `SELECT d.*, pr.name AS product_name, n.display_name AS nurse_name, p.name_kana, p.name_kanji,
             (SELECT r.id FROM dose_records r WHERE r.replaces = d.id AND r.voided_by IS NULL LIMIT 1) AS replaced_by,
             v.id AS void_id, v.reason AS void_reason, v.at AS void_at, vs.display_name AS void_staff
           FROM dose_records d JOIN people p ON p.id = d.person_id LEFT JOIN products pr ON pr.id = d.product_id
           LEFT JOIN staff n ON n.id = d.nurse_id LEFT JOIN voids v ON v.target_id = d.id LEFT JOIN staff vs ON vs.id = v.staff_id
           WHERE ${d.where} ORDER BY d.given_at, d.recorded_at, d.id`,
        )
        .all(...d.params) as ({
        id: string; municipality: string; ticket_number: string; dose_number: number; status: 'performed' | 'not_performed'; reason: string | null;
        given_at: string; venue_date: string; venue_id: string; desk_id: string; product_name: string | null; lot_id: string | null; lot_number: string | null;
        expiry: string | null; site: (typeof INJECTION_SITES)[number] | null; doctor: string | null; nurse_name: string | null; checkin_id: string | null;
        recorded_at: string; replaces: string | null; replaced_by: string | null; observation_minutes: number | null; name_kana: string; name_kanji: string;
      } & VoidRow)[];
      return {
        checkins: checkins.map((r) => ({
          id: r.id, municipality: r.municipality, ticketNumber: r.ticket_number, doseNumber: r.dose_number, at: r.at, venueDate: r.venue_date,
          deskId: r.desk_id, staffName: r.staff_name, walkIn: r.walk_in_approved_by !== null, nameKana: r.name_kana, nameKanji: r.name_kanji, void: voidOf(r),
        })),
        doses: doses.map((r) => ({
          id: r.id, municipality: r.municipality, ticketNumber: r.ticket_number, doseNumber: r.dose_number, status: r.status, reason: r.reason,
          givenAt: r.given_at, venueDate: r.venue_date, venueId: r.venue_id, deskId: r.desk_id, productName: r.product_name, lotId: r.lot_id,
          lotNumber: r.lot_number, expiry: r.expiry, site: r.site, doctor: r.doctor, nurseName: r.nurse_name, checkinId: r.checkin_id,
          recordedAt: r.recorded_at, replaces: r.replaces, replacedBy: r.replaced_by, observationMinutes: r.observation_minutes,
          nameKana: r.name_kana, nameKanji: r.name_kanji, void: voidOf(r),
        })),
      };
    },
  }),

  doseSlip: defineOperation({
    summary: 'Read only: what the person’s slip (and the 接種済証 label) says about today’s dose here — date, venue, dose, product, lot — and the next booked dose.',
    passive: true,
    access: { roles: ['reception', 'nurse', 'supervisor'] },
    input: z.strictObject({ municipality: municipalityCode, ticketNumber }),
    output: z
      .object({
        doseId: z.string(), doseNumber: z.number(), venueDate: z.string(), givenAt: z.string(), venueName: z.string().nullable(),
        productName: z.string().nullable(), maker: z.string().nullable(), lotNumber: z.string().nullable(), nextBooking: bookingSummarySchema.nullable(),
      })
      .nullable(),
    handler(input, context) {
      const venueId = venueOf(context);
      const today = venueDate(context.now);
      const row = context.db
        .prepare(
          `SELECT d.id, d.dose_number, d.venue_date, d.given_at, d.lot_number, p.name AS product_name, p.maker
           FROM dose_records d LEFT JOIN products p ON p.id = d.product_id
           WHERE d.municipality = ? AND d.ticket_number = ? AND d.venue_id = ? AND d.venue_date = ? AND d.status = 'performed' AND d.voided_by IS NULL
           ORDER BY d.given_at DESC LIMIT 1`,
        )
        .get(input.municipality, input.ticketNumber, venueId, today) as
        | { id: string; dose_number: number; venue_date: string; given_at: string; lot_number: string | null; product_name: string | null; maker: string | null }
        | undefined;
      context.audit(row?.id ?? null);
      if (!row) return null;
      const ticket = findTicket(context.db, input.municipality, input.ticketNumber);
      return {
        doseId: row.id, doseNumber: row.dose_number, venueDate: row.venue_date, givenAt: row.given_at, venueName: venueName(context.db, venueId),
        productName: row.product_name, maker: row.maker, lotNumber: row.lot_number,
        nextBooking: ticket ? followingBooking(context.db, ticket.person.id, row.dose_number, row.venue_date) : null,
      };
    },
  }),
};
