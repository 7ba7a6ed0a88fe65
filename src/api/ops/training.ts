import { z } from 'zod';
import { text } from '../../common/messages';
import { noIndividualNumber } from '../../privacy/schema';
import { venueIso } from '../../common/time';
import { ticketLine } from '../../training/demo-venue';
import { EXPECTED_WORDS, MAX_TRAINING_PEOPLE, PRACTICE_TICKETS } from '../../training/practice-tickets';
import { trainingSheetPdf } from '../../training/sheet';
import { defineOperation, refuse } from '../operation';
import { ALL_ROLES, secondFactorCode, sessionOf } from './common';

/**
 * Training mode. Switching in and out is the app's (src/app/venue-app.ts):
 * it closes the real database and opens a training one, and back. These
 * entries put the switch in the contract: startTraining is a supervisor's
 * operation on the real database (with its second factor, logged there),
 * after which the app switches; leaveTraining is answered by the app itself
 * in training, against the real database's supervisors (the practice
 * supervisor's sign-in is published, so it cannot end training).
 */
export const trainingOperations = {
  startTraining: defineOperation({
    summary:
      'Switch this device to training: a separate encrypted database with the demo venue’s made-up staff, lots and people (plus `people` generated ones). The app switches after this answer; every page signs in again.',
    training: 'refused',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ people: z.number().int().min(0).max(MAX_TRAINING_PEOPLE) }),
    output: z.object({ training: z.literal(true), people: z.number() }),
    handler(input, context) {
      context.audit(sessionOf(context).staff.id, { people: input.people });
      return { training: true as const, people: input.people };
    },
  }),

  leaveTraining: defineOperation({
    summary: 'Leave training: a real supervisor’s login, password and code, checked against the real database. The training database and its records are removed.',
    training: 'only',
    access: { public: true },
    input: z.strictObject({ login: noIndividualNumber(z.string().trim().min(1).max(64)), password: z.string().min(1).max(256), code: secondFactorCode.optional() }),
    output: z.object({ training: z.literal(false) }),
    handler() {
      // The app answers this in training mode, before any database sees it.
      return refuse('NOT_IN_TRAINING', text('練習モードのときだけ使えます。', 'Only in training mode.'));
    },
  }),

  trainingSheet: defineOperation({
    summary: 'The sheet of dummy tickets to print (A4 PDF): one per verdict, with the QR code, the NW-7 and the OCR line. Training mode only.',
    training: 'only',
    access: { roles: ALL_ROLES },
    input: z.strictObject({}),
    output: z.object({ pdfBase64: z.string(), fileName: z.string(), tickets: z.number() }),
    handler(_input, context) {
      const name = context.db.prepare(
        `SELECT p.name_kanji FROM tickets t JOIN people p ON p.id = t.person_id WHERE t.municipality = ? AND t.number = ?`,
      );
      const tickets = PRACTICE_TICKETS.map((ticket) => ({
        ...ticket,
        line: ticketLine(ticket.number, ticket.dose, ticket.municipality),
        // NW-7 carries no municipality: read, it is completed with this venue's, so another municipality's ticket has none here.
        nw7: ticket.verdict === 'OTHER_MUNICIPALITY' ? null : `A${ticket.number}A`,
        name: (name.pluck().get(ticket.municipality, ticket.number) as string | undefined) ?? null,
        expect: EXPECTED_WORDS[ticket.verdict],
      }));
      const pdf = trainingSheetPdf(tickets, { title: text('練習用の接種券（判定の見本）', 'Practice tickets (one per verdict)'), printedAt: venueIso(context.now).slice(0, 16).replace('T', ' ') });
      context.audit(null, { tickets: tickets.length });
      return { pdfBase64: pdf.toString('base64'), fileName: `practice-tickets-${venueIso(context.now).slice(0, 10)}.pdf`, tickets: tickets.length };
    },
  }),
};
