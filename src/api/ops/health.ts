/**
 * The reader's health (issue 18), kept apart from the rest of the contract:
 * each desk reports what its camera and scanner did since its last report
 * (counts and times only), and supervisors read every desk's figures for a
 * day, live and in the day report. See src/day/reader-health.ts.
 */
import { z } from 'zod';
import { isoDate } from '../../common/schemas';
import { venueDate, venueIso } from '../../common/time';
import { addHealthReport, readerHealthOf } from '../../day/reader-health';
import { defineOperation } from '../operation';
import { sessionOf } from './common';

const count = z.number().int().min(0).max(100_000);

export const healthOperations = {
  reportReaderHealth: defineOperation({
    summary: 'Add what this desk’s reader did since its last report: reads attempted, misreads refused, failed sights, seconds from view to card.',
    access: { roles: ['reception', 'nurse', 'supervisor'] },
    // Sent on its own every half minute: it is not someone at the desk.
    passive: true,
    input: z.strictObject({
      attempts: count,
      misreadsRefused: count,
      failedSights: count,
      toCardMs: z.array(z.number().min(0).max(600_000)).max(1_000),
    }),
    output: z.object({ recorded: z.literal(true) }),
    handler(input, context) {
      const session = sessionOf(context);
      addHealthReport(context.db, venueDate(context.now), session.deskId, input, venueIso(context.now));
      context.audit(null, { attempts: input.attempts, misreads: input.misreadsRefused, failedSights: input.failedSights });
      return { recorded: true as const };
    },
  }),

  readerHealth: defineOperation({
    summary: 'Every desk’s reader health for a day (today by default): attempts, misreads refused, failed sights, median and p95 seconds from view to card.',
    access: { roles: ['supervisor'] },
    passive: true,
    input: z.strictObject({ date: isoDate.optional() }),
    output: z.array(
      z.object({
        deskId: z.string(),
        attempts: z.number(),
        misreadsRefused: z.number(),
        failedSights: z.number(),
        cards: z.number(),
        medianSeconds: z.number().nullable(),
        p95Seconds: z.number().nullable(),
        updatedAt: z.string(),
      }),
    ),
    handler(input, context) {
      const day = input.date ?? venueDate(context.now);
      context.audit(null, { day });
      return readerHealthOf(context.db, day);
    },
  }),
};
