import { z } from 'zod';
import { defineOperation } from '../operation';
import { ALL_ROLES } from './common';

/** What the screens need to warn about disk space: no file names, no paths. */
const diskSchema = z.object({
  /** False where the core has no data folder (unit tests). */
  available: z.boolean(),
  freeBytes: z.number().nullable(),
  /** Under the low-space threshold (500 MB by default): supervisors are warned on screen. */
  low: z.boolean(),
  /** A write failed for lack of space: records are refused until there is room; sign-in and reads go on. */
  full: z.boolean(),
});

export const diskOperations = {
  diskStatus: defineOperation({
    summary: 'Free disk space for the venue data, whether it is low (supervisors are warned) and whether the disk is full.',
    passive: true,
    access: { roles: ALL_ROLES, whileLocked: true },
    input: z.strictObject({}),
    output: diskSchema,
    handler(_input, context) {
      const view = context.services.disk?.view();
      return view ? { available: true, ...view } : { available: false, freeBytes: null, low: false, full: false };
    },
  }),
};
