import { text, type StaffText } from '../common/messages';

/**
 * The words the records are made of (src/records/schemas.ts), as constants:
 * the domain modules that make the records and the central service that
 * stores them name them from here, so neither pulls in the other.
 */

/** The product checks a nurse may confirm with a reason (src/doses/checks.ts). */
export const DOSE_CHECK_CODES = [
  /** The lot's product is not the product of the person's booking (or approved walk-in). */
  'PRODUCT_NOT_BOOKED',
  /** The product master does not allow this product after the product of the previous dose. */
  'PRODUCT_AFTER_PREVIOUS',
  /** Fewer days since the previous dose than this product's minimum interval. */
  'INTERVAL_TOO_SHORT',
  /** The person's age is outside this product's age range. */
  'AGE_OUT_OF_RANGE',
] as const;
export type DoseCheckCode = (typeof DOSE_CHECK_CODES)[number];

/** Short names of the checks, for lists (the day report). */
export const CHECK_LABELS: Readonly<Record<DoseCheckCode, StaffText>> = {
  PRODUCT_NOT_BOOKED: text('予約と違う製品', 'not the booked product'),
  PRODUCT_AFTER_PREVIOUS: text('前回の製品の後に認められていない製品', 'not allowed after the previous product'),
  INTERVAL_TOO_SHORT: text('前回からの間隔が短い', 'too soon after the previous dose'),
  AGE_OUT_OF_RANGE: text('対象年齢外', 'outside the age range'),
};

/** Where a dose was given (src/doses/record.ts). */
export const INJECTION_SITES = ['left_arm', 'right_arm', 'left_thigh', 'right_thigh'] as const;
export type InjectionSite = (typeof INJECTION_SITES)[number];

/** The check-in verdicts a walk-in may be asked for (src/checkin/walkin.ts). */
export const WALK_IN_VERDICTS = ['NOT_BOOKED_TODAY', 'WRONG_VENUE'] as const;
export type WalkInVerdict = (typeof WALK_IN_VERDICTS)[number];
