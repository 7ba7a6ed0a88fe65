import { z } from 'zod';
import { hhmm, isoDate, municipalityCode, sex, staffText, ticketNumber, ticketStatus } from '../common/schemas';

export const VERDICT_CODES = [
  'OK',
  'ALREADY_CHECKED_IN',
  'NOT_BOOKED_TODAY',
  'WRONG_VENUE',
  'ALREADY_VACCINATED',
  'INTERVAL_NOT_MET',
  'AGE_NOT_ELIGIBLE',
  'TICKET_VOID',
  'OTHER_MUNICIPALITY',
  'UNKNOWN_TICKET',
  'DOSE_OUT_OF_ORDER',
  'DAY_CLOSED',
  'VACCINATED_TODAY',
] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

export const identitySchema = z.object({
  nameKana: z.string(),
  nameKanji: z.string(),
  birthDate: isoDate,
  age: z.number().int(),
  sex,
});

export const bookingSummarySchema = z.object({
  id: z.string(),
  venueId: z.string(),
  venueName: z.string().nullable(),
  date: isoDate,
  slotStart: hhmm,
  slotEnd: hhmm,
  dose: z.number().int(),
  productId: z.string(),
  productName: z.string().nullable(),
});
export type BookingSummary = z.infer<typeof bookingSummarySchema>;

export const doseSummarySchema = z.object({
  dose: z.number().int(),
  date: isoDate,
  place: z.string(),
  productName: z.string().nullable(),
  /** When it was given, for a dose recorded by a venue of this app (HH:MM on the card); null for roster history. */
  givenAt: z.string().nullable(),
});

export const verdictSchema = z.object({
  code: z.enum(VERDICT_CODES),
  /** Whether reception may check the person in now. */
  admit: z.boolean(),
  ticket: z.object({
    municipality: municipalityCode,
    number: ticketNumber,
    kind: z.string().nullable(),
    dose: z.string().nullable(),
  }),
  person: identitySchema.nullable(),
  /** The booking for this visit, or for a refusal the booking the person really has. */
  booking: bookingSummarySchema.nullable(),
  /** The set-booking partner (dose 2 of a dose-1 visit), when there is one. */
  nextBooking: bookingSummarySchema.nullable(),
  /** The dose this visit is for. */
  dose: z.number().int().nullable(),
  previousDose: doseSummarySchema.nullable(),
  earliestDate: isoDate.nullable(),
  ticketStatus: ticketStatus.nullable(),
  checkedIn: z.object({ id: z.string(), at: z.string(), deskId: z.string() }).nullable(),
  ageLimits: z.object({ min: z.number().int(), max: z.number().int().nullable() }).nullable(),
  /** Today's walk-in request for this ticket, if reception asked for one. */
  walkIn: z.object({ id: z.string(), status: z.enum(['pending', 'approved', 'declined', 'used']), reason: z.string().nullable() }).nullable(),
  headline: staffText,
  advice: staffText,
});
export type Verdict = z.infer<typeof verdictSchema>;
