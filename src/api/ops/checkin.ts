import { z } from 'zod';
import { municipalityCode, staffText, ticketNumber } from '../../common/schemas';
import { venueDate } from '../../common/time';
import { checkIn, vaccinationQueue } from '../../checkin/record';
import { verdictSchema } from '../../checkin/schema';
import { decideVerdict } from '../../checkin/verdict';
import { parseTicketCode, TICKET_ERROR_CODES } from '../../ticket';
import { defineOperation } from '../operation';
import { ALL_ROLES, sessionOf, venueOf } from './common';

/** Scanner output is short; anything longer is not a ticket and is not worth parsing. */
const scannedText = z.string().max(512);
/** The kind or dose digit printed on an 18-digit ticket (null for an NW-7 read). */
const printedDigit = z.string().regex(/^\d$/).nullish();

export const checkinOperations = {
  scanTicket: defineOperation({
    summary: 'Read a scanned or typed ticket code and give the verdict: may this person be checked in here, now?',
    access: { roles: ALL_ROLES },
    input: z.strictObject({ code: scannedText }),
    output: z.discriminatedUnion('read', [
      z.object({ read: z.literal('ticket'), verdict: verdictSchema }),
      z.object({ read: z.literal('error'), code: z.enum(TICKET_ERROR_CODES as [string, ...string[]]), message: staffText }),
    ]),
    handler(input, context) {
      const parsed = parseTicketCode(input.code, { defaultMunicipality: context.device.defaultMunicipality ?? undefined });
      if (!parsed.ok) {
        // The raw code is never logged: it might be an individual number.
        context.audit(null, { read: parsed.code });
        return { read: 'error' as const, code: parsed.code, message: parsed.message };
      }
      const verdict = decideVerdict(context.db, parsed, {
        venueId: venueOf(context),
        now: context.now,
        servedMunicipalities: context.device.servedMunicipalities,
      });
      context.audit(`${parsed.municipality}-${parsed.number}`, { verdict: verdict.code });
      return { read: 'ticket' as const, verdict };
    },
  }),

  ticketVerdict: defineOperation({
    summary: 'The verdict, decided again now, for a ticket already on the reception card (its walk-in request was decided, or sync brought news).',
    // The card re-checks itself when an event arrives: nobody at the desk did anything.
    passive: true,
    access: { roles: ALL_ROLES },
    input: z.strictObject({ municipality: municipalityCode, number: ticketNumber, kind: printedDigit, dose: printedDigit }),
    output: z.object({ verdict: verdictSchema }),
    handler(input, context) {
      const verdict = decideVerdict(context.db, input, {
        venueId: venueOf(context),
        now: context.now,
        servedMunicipalities: context.device.servedMunicipalities,
      });
      context.audit(`${input.municipality}-${input.number}`, { verdict: verdict.code });
      return { verdict };
    },
  }),

  checkIn: defineOperation({
    summary: 'Check the person in (the verdict is decided again at this moment; only an admitting verdict checks in).',
    access: { roles: ['reception', 'supervisor'] },
    input: z.strictObject({ municipality: municipalityCode, number: ticketNumber }),
    output: z.discriminatedUnion('checkedIn', [
      z.object({ checkedIn: z.literal(true), checkinId: z.string(), at: z.string(), verdict: verdictSchema }),
      z.object({ checkedIn: z.literal(false), verdict: verdictSchema }),
    ]),
    handler(input, context) {
      const session = sessionOf(context);
      const outcome = checkIn(context.db, input, {
        venueId: venueOf(context),
        deskId: session.deskId,
        staffId: session.staff.id,
        now: context.now,
        servedMunicipalities: context.device.servedMunicipalities,
      }, context.records);
      if (!outcome.ok) {
        context.audit(`${input.municipality}-${input.number}`, { verdict: outcome.verdict.code });
        return { checkedIn: false as const, verdict: outcome.verdict };
      }
      context.audit(outcome.record.id, { dose: outcome.record.doseNumber });
      context.emit({ type: 'checkin', id: outcome.record.id });
      return { checkedIn: true as const, checkinId: outcome.record.id, at: outcome.record.at, verdict: outcome.verdict };
    },
  }),

  vaccinationQueue: defineOperation({
    summary: 'People checked in today at any desk of this venue who have no dose record yet.',
    passive: true,
    access: { roles: ALL_ROLES },
    input: z.strictObject({}),
    output: z.array(
      z.object({
        checkinId: z.string(),
        municipality: z.string(),
        ticketNumber: z.string(),
        doseNumber: z.number(),
        checkedInAt: z.string(),
        deskId: z.string(),
        nameKana: z.string(),
        nameKanji: z.string(),
        birthDate: z.string(),
        sex: z.enum(['M', 'F', 'U']),
      }),
    ),
    handler(_input, context) {
      return vaccinationQueue(context.db, venueOf(context), context.now);
    },
  }),

  todayCounts: defineOperation({
    summary: 'Counts for today at this venue so far: booked, checked in, vaccinated, not vaccinated, waiting.',
    passive: true,
    access: { roles: ALL_ROLES },
    input: z.strictObject({}),
    output: z.object({ date: z.string(), booked: z.number(), checkedIn: z.number(), vaccinated: z.number(), notVaccinated: z.number(), waiting: z.number() }),
    handler(_input, context) {
      const venueId = venueOf(context);
      const date = venueDate(context.now);
      const count = (sql: string) => (context.db.prepare(sql).get(venueId, date) as { n: number }).n;
      return {
        date,
        booked: count(`SELECT count(*) AS n FROM bookings WHERE venue_id = ? AND date = ?`),
        checkedIn: count(`SELECT count(*) AS n FROM checkins WHERE venue_id = ? AND venue_date = ? AND voided_by IS NULL`),
        vaccinated: count(`SELECT count(*) AS n FROM dose_records WHERE venue_id = ? AND venue_date = ? AND status = 'performed' AND voided_by IS NULL`),
        notVaccinated: count(`SELECT count(*) AS n FROM dose_records WHERE venue_id = ? AND venue_date = ? AND status = 'not_performed' AND voided_by IS NULL`),
        waiting: vaccinationQueue(context.db, venueId, context.now).length,
      };
    },
  }),
};
