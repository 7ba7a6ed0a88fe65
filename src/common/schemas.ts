import { z } from 'zod';
import { noIndividualNumber } from '../privacy/schema';
import { isCalendarDate, isCalendarInstant } from './time';

/** Small zod building blocks shared by the contract, the core and the server. */
export const staffText = z.object({ ja: z.string(), en: z.string() });
/** A real calendar date, YYYY-MM-DD: 2026-13-45 or 2026-02-30 is refused, never stored (nor exported as NaN). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine(isCalendarDate, 'a real calendar date (YYYY-MM-DD)');
export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
export const instant = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, 'ISO 8601 time with offset')
  .refine(isCalendarInstant, 'a real date and time (no 30 February, no hour 25)');
export const municipalityCode = z.string().regex(/^\d{6}$/);
export const ticketNumber = z.string().regex(/^\d{10}$/);
export const recordId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'record id (UUID)');
/** Ids of venues, desks, lots, products: short, ASCII, and never an individual number in disguise. */
export const shortId = noIndividualNumber(z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/));
export const sex = z.enum(['M', 'F', 'U']);
export const doseNumber = z.number().int().min(1).max(9);
export const ticketStatus = z.enum(['active', 'moved_out', 'deceased', 'reissued']);

/** True when any text in the value (or a key) holds a NUL character (U+0000), which no record has a use for. */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, v]) => key.includes('\u0000') || holdsNul(v));
  return false;
}
