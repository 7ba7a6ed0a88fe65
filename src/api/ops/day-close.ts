import { z } from 'zod';
import { text } from '../../common/messages';
import { isoDate, staffText } from '../../common/schemas';
import { venueDate } from '../../common/time';
import { closeDay, explainDiscrepancy, reopenDay } from '../../day/close';
import { reconcileDay, unexplained } from '../../day/reconcile';
import { venueName } from '../../roster/repo';
import { daySyncFacts } from '../../sync/facts';
import { noIndividualNumber } from '../../privacy/schema';
import { defineOperation, refuse, type HandlerContext } from '../operation';
import { sessionOf, venueOf } from './common';

/**
 * The day's report, its explanations, its close and its reopening. A close
 * names what is still open (people waiting, people in observation, bookings
 * still to come, records not yet sent) and is refused unless the supervisor
 * confirms exactly those counts: nobody is closed out of the day unnoticed.
 */

const reason = noIndividualNumber(z.string().trim().min(2).max(200));

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

const openSchema = z.object({ waiting: z.number().int().min(0), observing: z.number().int().min(0), notYetCome: z.number().int().min(0), unsent: z.number().int().min(0) });

const closeSchema = z.object({ id: z.string(), venueId: z.string(), date: z.string(), staffId: z.string(), at: z.string(), note: z.string() });

const reportSchema = z.object({
  venueId: z.string(),
  venueName: z.string().nullable(),
  date: z.string(),
  counts: z.object({
    booked: z.number(), checkedIn: z.number(), noShows: z.number(), notYetCome: z.number(), vaccinated: z.number(), notVaccinated: z.number(),
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
  closed: closeSchema.nullable(),
  closing: z.boolean(),
  open: openSchema,
  closeHistory: z.array(z.object({ kind: z.enum(['close', 'reopen']), id: z.string(), staffId: z.string(), at: z.string(), text: z.string() })),
});

export const dayCloseOperations = {
  dayReport: defineOperation({
    summary: 'The day’s reconciliation: counts (no-shows apart from those still to come), lots, hours, time to dose, discrepancies with their explanations, what is still open, the sign-off.',
    passive: true,
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: isoDate.optional(), closing: z.boolean().optional() }),
    output: reportSchema,
    handler(input, context) {
      const venueId = venueOf(context);
      const report = reconcileDay(context.db, venueId, dateOf(context, input.date), daySyncFacts(context.db), { now: context.now, closing: input.closing });
      return { ...report, venueName: venueName(context.db, venueId) };
    },
  }),

  explainDiscrepancy: defineOperation({
    summary: 'Explain one discrepancy of a day (required for each before the day can be closed).',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: isoDate.optional(), key: noIndividualNumber(z.string().min(3).max(120)), note: reason }),
    output: z.object({ key: z.string(), note: z.string(), staffId: z.string(), at: z.string() }),
    handler(input, context) {
      const venueId = venueOf(context);
      const date = dateOf(context, input.date);
      // Made for the close: the people still waiting are among the discrepancies that may be explained.
      const report = reconcileDay(context.db, venueId, date, daySyncFacts(context.db), { now: context.now, closing: true });
      if (!report.discrepancies.some((d) => d.key === input.key)) {
        refuse('UNKNOWN_DISCREPANCY', text('その不一致は見つかりません（既に解消された可能性があります）。画面を更新してください。', 'No such discrepancy (it may have been resolved). Refresh the screen.'));
      }
      const note = explainDiscrepancy(context.db, { venueId, date, key: input.key, note: input.note }, sessionOf(context).staff.id, context.now, context.records);
      context.audit(input.key);
      // Also tells the sync service to send the explanation now.
      context.emit({ type: 'discrepancy', id: input.key });
      return note;
    },
  }),

  closeDay: defineOperation({
    summary:
      'Sign off the day with a note, once every discrepancy is explained and the supervisor has confirmed what is still open (the counts as shown). Afterwards records change only by void and re-record, or after a reopen.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: isoDate.optional(), note: reason, confirmOpen: openSchema.optional() }),
    output: closeSchema,
    handler(input, context) {
      const venueId = venueOf(context);
      const date = dateOf(context, input.date);
      const report = reconcileDay(context.db, venueId, date, daySyncFacts(context.db), { now: context.now, closing: true });
      const summary = { ...report.counts, waiting: report.open.waiting, observing: report.open.observing, unsent: report.open.unsent };
      const close = closeDay(
        context.db,
        { venueId, date, note: input.note, unexplained: unexplained(report), summary, open: report.open, confirmOpen: input.confirmOpen },
        sessionOf(context).staff.id,
        context.now,
        context.records,
      );
      context.audit(close.id, { date, ...report.open });
      context.emit({ type: 'day-closed', id: close.id });
      return close;
    },
  }),

  reopenDay: defineOperation({
    summary: 'A supervisor reopens a closed day with a reason (recorded, audited, synced); records made afterwards are ordinary records of an open day.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ date: isoDate.optional(), reason }),
    output: z.object({ id: z.string(), closeId: z.string(), at: z.string() }),
    handler(input, context) {
      const date = dateOf(context, input.date);
      const reopen = reopenDay(context.db, { venueId: venueOf(context), date, reason: input.reason }, sessionOf(context).staff.id, context.now, context.records);
      context.audit(reopen.id, { date, close: reopen.closeId });
      context.emit({ type: 'day-closed', id: reopen.id });
      return reopen;
    },
  }),
};
