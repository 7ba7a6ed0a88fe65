import { z } from 'zod';
import { noIndividualNumber } from '../../privacy/schema';
import { municipalityCode, shortId, ticketNumber } from '../../common/schemas';
import { venueDate } from '../../common/time';
import { decideWalkIn, listWalkIns, requestWalkIn } from '../../checkin/walkin';
import { maskEmail, maskPhone } from '../../roster/contact';
import { findTicket, identitySummary } from '../../roster/repo';
import { defineOperation } from '../operation';
import { sessionOf, venueOf } from './common';

const walkInSchema = z.object({
  id: z.string(),
  municipality: z.string(),
  ticketNumber: z.string(),
  venueDate: z.string(),
  deskId: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  verdictCode: z.string(),
  status: z.enum(['pending', 'approved', 'declined', 'used']),
  productId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
});

export const walkInOperations = {
  requestWalkIn: defineOperation({
    summary: 'Ask the supervisor to admit a person with a live ticket but no booking here today.',
    access: { roles: ['reception', 'supervisor'] },
    input: z.strictObject({ municipality: municipalityCode, number: ticketNumber }),
    output: walkInSchema,
    handler(input, context) {
      const session = sessionOf(context);
      const request = requestWalkIn(context.db, input, {
        venueId: venueOf(context),
        deskId: session.deskId,
        staffId: session.staff.id,
        now: context.now,
        servedMunicipalities: context.device.servedMunicipalities,
      }, context.records);
      context.audit(request.id, { verdict: request.verdictCode });
      context.emit({ type: 'walk-in', id: request.id });
      return request;
    },
  }),

  listWalkIns: defineOperation({
    summary: 'Today’s walk-in requests at this venue, with who they are (to decide) and their status.',
    passive: true,
    access: { roles: ['supervisor'] },
    input: z.strictObject({}),
    output: z.array(
      walkInSchema.extend({
        person: z.object({ nameKana: z.string(), nameKanji: z.string(), birthDate: z.string(), age: z.number(), sex: z.enum(['M', 'F', 'U']) }).nullable(),
        /** Contact shown only partly: to ask "is your number the one ending in 5678?" when deciding. */
        contact: z.object({ phone: z.string().nullable(), email: z.string().nullable() }).nullable(),
      }),
    ),
    handler(_input, context) {
      const today = venueDate(context.now);
      return listWalkIns(context.db, venueOf(context), today).map((request) => {
        const ticket = findTicket(context.db, request.municipality, request.ticketNumber);
        const contact = ticket
          ? (context.db.prepare(`SELECT phone, email FROM people WHERE id = ?`).get(ticket.person.id) as { phone: string | null; email: string | null })
          : null;
        return {
          ...request,
          person: ticket ? identitySummary(ticket.person, today) : null,
          contact: contact ? { phone: maskPhone(contact.phone), email: maskEmail(contact.email) } : null,
        };
      });
    },
  }),

  decideWalkIn: defineOperation({
    summary: 'Approve (with the product to give) or decline a walk-in request, with a reason.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ requestId: noIndividualNumber(z.string().max(64)), approve: z.boolean(), productId: shortId.nullish(), reason: noIndividualNumber(z.string().trim().min(2).max(200)) }),
    output: walkInSchema,
    handler(input, context) {
      const session = sessionOf(context);
      const decided = decideWalkIn(context.db, { ...input, deskId: session.deskId }, session.staff.id, context.now, context.records);
      context.audit(decided.id, { status: decided.status });
      context.emit({ type: 'walk-in', id: decided.id });
      return decided;
    },
  }),
};
