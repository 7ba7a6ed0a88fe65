import { z } from 'zod';
import { verifyAuditLog } from '../../audit/log';
import { text } from '../../common/messages';
import { doseNumber, instant, isoDate, municipalityCode, recordId, staffText, ticketNumber } from '../../common/schemas';
import { isCalendarDate, venueDate, venueIso } from '../../common/time';
import { closeDay, explainDiscrepancy } from '../../day/close';
import { endObservation, observationBoard } from '../../day/observation';
import { reconcileDay, unexplained } from '../../day/reconcile';
import { writeVrsCsv } from '../../day/vrs';
import { getLot, recordVialsOpened } from '../../doses/catalog';
import { getDoseRecord, INJECTION_SITES, recordDose } from '../../doses/record';
import { venueName } from '../../roster/repo';
import { defineOperation, refuse, type HandlerContext } from '../operation';
import { sessionOf, venueOf } from './common';
import { syncFactsFor } from './sync-facts';

const calendarDate = isoDate.refine(isCalendarDate, 'a real calendar date');
const reason = z.string().trim().min(2).max(200);

function dateOf(context: HandlerContext, date: string | undefined): string {
  return date ?? venueDate(context.now);
}

const discrepancySchema = z.object({
  key: z.string(),
  kind: z.string(),
  recordIds: z.array(z.string()),
  message: staffText,
  explanation: z.object({ key: z.string(), note: z.string(), staffId: z.string(), at: z.string() }).nullable(),
});

const reportSchema = z.object({
  venueId: z.string(),
  venueName: z.string().nullable(),
  date: z.string(),
  counts: z.object({
    booked: z.number(), checkedIn: z.number(), noShows: z.number(), vaccinated: z.number(), notVaccinated: z.number(),
    walkIns: z.number(), voided: z.number(), pendingSync: z.number(), confirmed: z.number(), conflicts: z.number(),
  }),
  byDose: z.array(z.object({ dose: z.number(), count: z.number() })),
  byProduct: z.array(z.object({ productId: z.string(), productName: z.string(), count: z.number() })),
  lots: z.array(z.object({
    lotId: z.string(), lotNumber: z.string(), productName: z.string(), expiry: z.string(), doses: z.number(),
    vialsOpened: z.number().nullable(), dosesPerVial: z.number(), difference: z.number().nullable(),
  })),
  notVaccinatedReasons: z.array(z.object({ reason: z.string(), count: z.number() })),
  hourly: z.array(z.object({ hour: z.string(), deskId: z.string(), checkIns: z.number(), doses: z.number() })),
  medianSecondsToDose: z.number().nullable(),
  medianSecondsToDoseByDesk: z.array(z.object({ deskId: z.string(), seconds: z.number() })),
  discrepancies: z.array(discrepancySchema),
  closed: z.object({ id: z.string(), venueId: z.string(), date: z.string(), staffId: z.string(), at: z.string(), note: z.string() }).nullable(),
});

export const dayOperations = {
  dayReport: defineOperation({
    summary: 'The day’s reconciliation: counts, lots, hours, time to dose, discrepancies with their explanations, the sign-off.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: calendarDate.optional() }),
    output: reportSchema,
    handler(input, context) {
      const venueId = venueOf(context);
      const report = reconcileDay(context.db, venueId, dateOf(context, input.date), syncFactsFor(context.db));
      return { ...report, venueName: venueName(context.db, venueId) };
    },
  }),

  explainDiscrepancy: defineOperation({
    summary: 'Explain one discrepancy of a day (required for each before the day can be closed).',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: calendarDate.optional(), key: z.string().min(3).max(120), note: reason }),
    output: z.object({ key: z.string(), note: z.string(), staffId: z.string(), at: z.string() }),
    handler(input, context) {
      const venueId = venueOf(context);
      const date = dateOf(context, input.date);
      const report = reconcileDay(context.db, venueId, date, syncFactsFor(context.db));
      if (!report.discrepancies.some((d) => d.key === input.key)) {
        refuse('UNKNOWN_DISCREPANCY', text('その不一致は見つかりません（既に解消された可能性があります）。', 'No such discrepancy (it may have been resolved).'));
      }
      const note = explainDiscrepancy(context.db, { venueId, date, key: input.key, note: input.note }, sessionOf(context).staff.id, context.now);
      context.audit(input.key);
      return note;
    },
  }),

  closeDay: defineOperation({
    summary: 'Sign off the day with a note, once every discrepancy is explained. Afterwards records change only by void and re-record.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: calendarDate.optional(), note: reason }),
    output: z.object({ id: z.string(), venueId: z.string(), date: z.string(), staffId: z.string(), at: z.string(), note: z.string() }),
    handler(input, context) {
      const venueId = venueOf(context);
      const date = dateOf(context, input.date);
      const report = reconcileDay(context.db, venueId, date, syncFactsFor(context.db));
      const close = closeDay(context.db, { venueId, date, note: input.note, unexplained: unexplained(report), summary: report.counts }, sessionOf(context).staff.id, context.now);
      context.audit(close.id, { date });
      context.emit({ type: 'day-closed', id: close.id });
      return close;
    },
  }),

  recordVialsOpened: defineOperation({
    summary: 'How many vials of a lot were opened today (for the lot reconciliation).',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ lotId: z.string().max(64), vials: z.number().int().min(0).max(10_000), date: calendarDate.optional() }),
    output: z.object({ lotId: z.string(), vials: z.number(), date: z.string() }),
    handler(input, context) {
      const venueId = venueOf(context);
      const lot = getLot(context.db, input.lotId);
      if (!lot || lot.venueId !== venueId) refuse('UNKNOWN_LOT', text('この会場のロットではありません。', 'This lot is not registered at this venue.'));
      const date = dateOf(context, input.date);
      recordVialsOpened(context.db, { venueId, date, lotId: lot.id, vials: input.vials, staffId: sessionOf(context).staff.id }, context.now);
      context.audit(lot.id, { vials: input.vials });
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
      notPerformedReason: z.string().trim().max(200).nullish(),
      givenAt: instant,
      lotId: z.string().max(64).nullish(),
      site: z.enum(INJECTION_SITES).nullish(),
      doctor: z.string().trim().max(20).nullish(),
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
      const session = sessionOf(context);
      const record = recordDose(
        context.db,
        { ...input, reason: input.status === 'not_performed' ? input.notPerformedReason : null },
        { venueId: venueOf(context), deskId: voided.deskId, nurseId: session.staff.id, now: context.now, replaces: voided.id },
      );
      context.audit(record.id, { replaces: voided.id, reason: input.reason.slice(0, 80) });
      context.emit({ type: 'dose', id: record.id });
      return { id: record.id, replaces: voided.id };
    },
  }),

  observationBoard: defineOperation({
    summary: 'People under observation after their dose, with the time left; those whose time is up are marked due.',
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

  endObservation: defineOperation({
    summary: 'Release a person after their observation time, or refer them to the doctor (with a note) at any time.',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ doseId: recordId, outcome: z.enum(['released', 'referred']), note: z.string().trim().max(200).nullish() }),
    output: z.object({ doseId: z.string(), outcome: z.enum(['released', 'referred']) }),
    handler(input, context) {
      endObservation(context.db, input, sessionOf(context).staff.id, context.now);
      context.audit(input.doseId, { outcome: input.outcome });
      context.emit({ type: 'observation', id: input.doseId });
      return { doseId: input.doseId, outcome: input.outcome };
    },
  }),

  exportDoses: defineOperation({
    summary: 'The day’s doses as CSV in the VRS fields (UTF-8 with BOM or Shift_JIS). No individual number: there is no such column.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: calendarDate.optional(), encoding: z.enum(['utf-8', 'shift_jis']) }),
    output: z.object({ fileName: z.string(), csvBase64: z.string(), rows: z.number() }),
    handler(input, context) {
      const venueId = venueOf(context);
      const date = dateOf(context, input.date);
      const rows = context.db
        .prepare(
          `SELECT d.recorded_at AS recordedAt, d.venue_date AS venueDate, d.ticket_number AS ticketNumber, d.municipality, d.doctor, d.lot_number AS lotNumber, p.maker
           FROM dose_records d LEFT JOIN products p ON p.id = d.product_id
           WHERE d.venue_id = ? AND d.venue_date = ? AND d.status = 'performed' AND d.voided_by IS NULL ORDER BY d.given_at`,
        )
        .all(venueId, date) as { recordedAt: string; venueDate: string; ticketNumber: string; municipality: string; doctor: string | null; lotNumber: string | null; maker: string | null }[];
      const name = venueName(context.db, venueId) ?? venueId;
      const csv = writeVrsCsv(rows.map((r) => ({ ...r, venueName: name })), input.encoding);
      context.audit(null, { date, rows: rows.length, encoding: input.encoding });
      return { fileName: `vrs-${venueId}-${date.replaceAll('-', '')}${input.encoding === 'shift_jis' ? '-sjis' : ''}.csv`, csvBase64: csv.toString('base64'), rows: rows.length };
    },
  }),

  auditLog: defineOperation({
    summary: 'The audit log, filtered by staff, action and time, newest first, with whether the hash chain verifies.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({
      staffId: z.string().max(64).optional(),
      action: z.string().max(64).optional(),
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
      return { entries, chain: { ok: verified.ok, entries: verified.entries, problems: [...verified.problems] } };
    },
  }),
};
