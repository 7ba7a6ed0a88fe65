/**
 * The product checks a nurse may confirm with a reason (src/doses/checks.ts).
 * Constants only, so the wire protocol (src/sync/protocol.ts) can name them
 * without pulling the dose module into the central service.
 */
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
