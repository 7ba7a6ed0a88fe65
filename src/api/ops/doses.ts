import { z } from 'zod';
import { noIndividualNumber } from '../../privacy/schema';
import { text } from '../../common/messages';
import { dateText } from '../../common/dates';
import { doseNumber, instant, isoDate, municipalityCode, recordId, shortId, staffText, ticketNumber } from '../../common/schemas';
import { isCalendarDate, venueDate, venueIso } from '../../common/time';
import { findLot, getDesk, getLot, getProduct, insertLot, listLots, listProducts, setActiveLot } from '../../doses/catalog';
import { DOSE_CHECK_CODES, INJECTION_SITES } from '../../records/vocabulary';
import { bookedProduct, CHECK_ADVICE, doseChecks, previousDoses } from '../../doses/checks';
import { getDoseRecord, listDosesForDay, recordDose } from '../../doses/record';
import { voidRecord } from '../../doses/void';
import { matchScannedLot, parseGs1 } from '../../gs1';
import { bookingSummarySchema } from '../../checkin/schema';
import { followingBooking } from '../../checkin/verdict';
import { findTicket } from '../../roster/repo';
import { defineOperation, refuse } from '../operation';
import { ALL_ROLES, sessionOf, venueOf } from './common';

const doseRecordSchema = z.object({
  id: z.string(),
  municipality: z.string(),
  ticketNumber: z.string(),
  doseNumber: z.number(),
  status: z.enum(['performed', 'not_performed']),
  reason: z.string().nullable(),
  givenAt: z.string(),
  venueDate: z.string(),
  venueId: z.string(),
  deskId: z.string(),
  productId: z.string().nullable(),
  productName: z.string().nullable(),
  maker: z.string().nullable(),
  lotId: z.string().nullable(),
  lotNumber: z.string().nullable(),
  expiry: z.string().nullable(),
  volumeMl: z.number().nullable(),
  site: z.enum(INJECTION_SITES).nullable(),
  nurseId: z.string(),
  doctor: z.string().nullable(),
  checkinId: z.string().nullable(),
  recordedAt: z.string(),
  replaces: z.string().nullable(),
  voidedBy: z.string().nullable(),
  observationMinutes: z.number().nullable(),
  checks: z.object({ codes: z.array(z.enum(DOSE_CHECK_CODES)).readonly(), reason: z.string() }).nullable(),
});

/** The nurse's confirmation of the product checks, with the reason (see src/doses/checks.ts). */
export const confirmChecksInput = z.strictObject({ codes: z.array(z.enum(DOSE_CHECK_CODES)).max(DOSE_CHECK_CODES.length), reason: noIndividualNumber(z.string().trim().max(200)) });

const lotSchema = z.object({
  id: z.string(),
  productId: z.string(),
  productName: z.string(),
  maker: z.string(),
  lotNumber: z.string(),
  expiry: z.string(),
  expired: z.boolean(),
  vialsOpened: z.number(),
});

const lotNumber = noIndividualNumber(z.string().trim().min(1).max(20).regex(/^[!"%-?A-Z_a-z]+$/, 'GS1 lot characters'));
const calendarDate = isoDate.refine(isCalendarDate, 'a real calendar date');

function describeLots(db: Parameters<typeof listLots>[0], venueId: string, today: string) {
  const products = new Map(listProducts(db).map((p) => [p.id, p]));
  return listLots(db, venueId).map((lot) => {
    const product = products.get(lot.productId);
    return {
      id: lot.id,
      productId: lot.productId,
      productName: product?.name ?? lot.productId,
      maker: product?.maker ?? '',
      lotNumber: lot.lotNumber,
      expiry: lot.expiry,
      expired: lot.expiry < today,
      vialsOpened: lot.vialsOpened,
    };
  });
}

export const doseOperations = {
  recordDose: defineOperation({
    summary: 'Record a dose given (or not given after pre-screening, with the reason). On disk before the answer.',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({
      municipality: municipalityCode,
      ticketNumber,
      doseNumber,
      status: z.enum(['performed', 'not_performed']),
      reason: noIndividualNumber(z.string().trim().max(200)).nullish(),
      givenAt: instant.nullish(),
      lotId: noIndividualNumber(z.string().max(64)).nullish(),
      volumeMl: z.number().positive().max(1).nullish(),
      site: z.enum(INJECTION_SITES).nullish(),
      doctor: noIndividualNumber(z.string().trim().max(20)).nullish(),
      observationMinutes: z.union([z.literal(15), z.literal(30)]).nullish(),
      confirmChecks: confirmChecksInput.nullish(),
    }),
    output: doseRecordSchema.extend({ nextBooking: bookingSummarySchema.nullable() }),
    handler(input, context) {
      const session = sessionOf(context);
      const record = recordDose(context.db, { ...input, givenAt: input.givenAt ?? venueIso(context.now) }, {
        venueId: venueOf(context),
        deskId: session.deskId,
        nurseId: session.staff.id,
        now: context.now,
      }, context.records);
      context.audit(record.id, { dose: record.doseNumber, status: record.status, lot: record.lotId });
      context.emit({ type: 'dose', id: record.id });
      // For a set booking: the dose-2 appointment, shown at once and printed on the person's slip.
      const ticket = findTicket(context.db, record.municipality, record.ticketNumber);
      const nextBooking = ticket && record.status === 'performed' ? followingBooking(context.db, ticket.person.id, record.doseNumber, record.venueDate) : null;
      return { ...record, nextBooking };
    },
  }),

  doseContext: defineOperation({
    summary: 'Read only: what the nurse sees next to the lot — the booked product, the doses before (product, date) — and the product checks the lot raises.',
    passive: true,
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ municipality: municipalityCode, ticketNumber, doseNumber, lotId: noIndividualNumber(z.string().max(64)).nullish() }),
    output: z.object({
      booked: z.object({ productId: z.string(), productName: z.string().nullable(), source: z.enum(['booking', 'walk-in']), slotStart: z.string().nullable(), slotEnd: z.string().nullable() }).nullable(),
      previous: z.array(z.object({ dose: z.number(), date: z.string(), productId: z.string(), productName: z.string().nullable(), place: z.string() })),
      checks: z.array(z.object({ code: z.enum(DOSE_CHECK_CODES), message: staffText })),
      advice: staffText,
    }),
    handler(input, context) {
      const ticket = findTicket(context.db, input.municipality, input.ticketNumber);
      if (!ticket) refuse('UNKNOWN_TICKET', text('名簿にない接種券です。', 'This ticket is not in the roster.'));
      const subject = {
        personId: ticket.person.id, municipality: input.municipality, ticketNumber: input.ticketNumber, birthDate: ticket.person.birthDate,
        doseNumber: input.doseNumber, venueId: venueOf(context), date: venueDate(context.now),
      };
      const lot = input.lotId ? getLot(context.db, input.lotId) : null;
      const product = lot && lot.venueId === subject.venueId ? getProduct(context.db, lot.productId) : null;
      context.audit(`${input.municipality}-${input.ticketNumber}`);
      return {
        booked: bookedProduct(context.db, subject),
        previous: previousDoses(context.db, subject),
        checks: product ? doseChecks(context.db, subject, product) : [],
        advice: CHECK_ADVICE,
      };
    },
  }),

  getDoseRecord: defineOperation({
    summary: 'One dose record, to show what was saved.',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ id: recordId }),
    output: doseRecordSchema,
    handler(input, context) {
      const record = getDoseRecord(context.db, input.id);
      if (!record) refuse('UNKNOWN_RECORD', text('記録が見つかりません。', 'No such record.'));
      context.audit(record.id);
      return record;
    },
  }),

  dosesToday: defineOperation({
    summary: 'Today’s dose records at this venue, voided ones included and marked.',
    passive: true,
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ date: calendarDate.optional() }),
    output: z.array(doseRecordSchema),
    handler(input, context) {
      return listDosesForDay(context.db, venueOf(context), input.date ?? venueDate(context.now));
    },
  }),

  voidRecord: defineOperation({
    summary: 'Void a check-in or dose record with a reason. Nothing is deleted; the void is a record too.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ recordId, reason: noIndividualNumber(z.string().trim().min(2).max(200)) }),
    output: z.object({ id: z.string(), targetKind: z.enum(['checkin', 'dose']), targetId: z.string(), reason: z.string(), staffId: z.string(), at: z.string() }),
    handler(input, context) {
      const record = voidRecord(context.db, { targetId: input.recordId, reason: input.reason }, sessionOf(context).staff.id, context.now, context.records);
      context.audit(record.id, { target: record.targetId, kind: record.targetKind });
      context.emit({ type: 'void', id: record.id });
      return record;
    },
  }),

  listProducts: defineOperation({
    summary: 'The product master.',
    passive: true,
    access: { roles: ALL_ROLES },
    input: z.strictObject({}),
    output: z.array(
      z.object({
        id: z.string(), maker: z.string(), name: z.string(), vaccineType: z.string(), doseVolumeMl: z.number(), minIntervalDays: z.number(),
        minAge: z.number(), maxAge: z.number().nullable(), observationMinutes: z.number(), dosesPerVial: z.number(), gtins: z.array(z.string()),
        mayFollow: z.array(z.string()),
      }),
    ),
    handler(_input, context) {
      return listProducts(context.db).map((p) => ({ ...p, gtins: [...p.gtins], mayFollow: [...p.mayFollow] }));
    },
  }),

  listLots: defineOperation({
    summary: 'The venue’s lots, soonest expiry first, with expired ones marked.',
    passive: true,
    access: { roles: ALL_ROLES },
    input: z.strictObject({}),
    output: z.array(lotSchema),
    handler(_input, context) {
      return describeLots(context.db, venueOf(context), venueDate(context.now));
    },
  }),

  addLot: defineOperation({
    summary: 'Add a lot of a known product to this venue (usually from a scanned pack).',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ productId: shortId, lotNumber, expiry: calendarDate }),
    output: lotSchema,
    handler(input, context) {
      const venueId = venueOf(context);
      if (!getProduct(context.db, input.productId)) refuse('UNKNOWN_PRODUCT', text('製品マスタにない製品です。', 'This product is not in the product master.'));
      if (findLot(context.db, venueId, input.productId, input.lotNumber)) {
        refuse('LOT_EXISTS', text('このロットは既に登録されています。', 'This lot is already registered.'));
      }
      const today = venueDate(context.now);
      if (input.expiry < today) refuse('EXPIRED_LOT', text('有効期限が切れたロットは登録できません。', 'An expired lot cannot be added.'));
      const lot = insertLot(context.db, { ...input, venueId, addedBy: sessionOf(context).staff.id }, context.now, context.records);
      context.audit(lot.id, { product: lot.productId });
      context.emit({ type: 'lot', id: lot.id });
      const described = describeLots(context.db, venueId, today).find((l) => l.id === lot.id);
      if (!described) throw new Error('lot vanished after insert');
      return described;
    },
  }),

  setDeskLot: defineOperation({
    summary: 'Make a lot the active lot of a desk (a nurse sets their own desk; a supervisor any desk).',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ deskId: shortId.optional(), lotId: noIndividualNumber(z.string().max(64)) }),
    output: z.object({ deskId: z.string(), lotId: z.string() }),
    handler(input, context) {
      const session = sessionOf(context);
      const deskId = input.deskId ?? session.deskId;
      if (deskId !== session.deskId && session.staff.role !== 'supervisor') {
        refuse('FORBIDDEN', text('他の台のロットは変更できません。', 'You can change only your own desk’s lot.'));
      }
      const desk = getDesk(context.db, deskId);
      if (!desk) refuse('UNKNOWN_DESK', text('その受付台は登録されていません。', 'No such desk.'));
      const lot = getLot(context.db, input.lotId);
      if (!lot || lot.venueId !== desk.venueId) refuse('UNKNOWN_LOT', text('この会場のロットではありません。', 'This lot is not registered at this venue.'));
      if (lot.expiry < venueDate(context.now)) refuse('EXPIRED_LOT', text(`このロットは有効期限（${dateText(lot.expiry).ja}）が切れています。`, `This lot expired on ${dateText(lot.expiry).en}.`));
      setActiveLot(context.db, { deskId, lotId: lot.id, venueId: desk.venueId, staffId: session.staff.id }, context.now, context.records);
      context.audit(lot.id, { desk: deskId });
      context.emit({ type: 'desk', id: deskId });
      return { deskId, lotId: lot.id };
    },
  }),

  scanLot: defineOperation({
    summary: 'Read a scanned vial or box (GS1) and match it to the venue’s lots.',
    access: { roles: ['nurse', 'supervisor'] },
    input: z.strictObject({ code: z.string().max(512) }),
    output: z.discriminatedUnion('read', [
      z.object({ read: z.literal('error'), code: z.string(), message: staffText }),
      z.object({
        read: z.literal('pack'),
        kind: z.enum(['match', 'new-lot', 'unknown-product', 'expired', 'incomplete', 'mismatch']),
        lotId: z.string().nullable(),
        productId: z.string().nullable(),
        lotNumber: z.string().nullable(),
        expiry: z.string().nullable(),
        gtin: z.string().nullable(),
        message: staffText,
      }),
    ]),
    handler(input, context) {
      const today = venueDate(context.now);
      const scan = parseGs1(input.code, { today });
      if (!scan.ok) {
        context.audit(null, { read: scan.code });
        return { read: 'error' as const, code: scan.code, message: scan.message };
      }
      const venueId = venueOf(context);
      const match = matchScannedLot(scan, listProducts(context.db), listLots(context.db, venueId), today);
      context.audit('lotId' in match ? (match.lotId ?? null) : null, { match: match.kind });
      return {
        read: 'pack' as const,
        kind: match.kind,
        lotId: 'lotId' in match ? (match.lotId ?? null) : null,
        productId: 'productId' in match ? (match.productId ?? null) : null,
        lotNumber: scan.lot,
        expiry: scan.expiry,
        gtin: scan.gtin,
        message: match.message,
      };
    },
  }),
};
