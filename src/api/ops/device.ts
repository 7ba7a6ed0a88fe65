import { z } from 'zod';
import { noIndividualNumber } from '../../privacy/schema';
import { uuidv7 } from '../../common/ids';
import { text } from '../../common/messages';
import { municipalityCode, shortId } from '../../common/schemas';
import { venueDate } from '../../common/time';
import { getDesk, listDesks, listLots, listProducts, upsertDesk, upsertVenue } from '../../doses/catalog';
import { deskDoctor, setDeskDoctor } from '../../doses/desk-doctor';
import { countStaff, createStaff } from '../../staff/accounts';
import { readDeviceSettings, writeDeviceSettings } from '../../store/settings';
import { isValidMunicipalityCode } from '../../privacy/checkdigits';
import { defineOperation, refuse } from '../operation';
import { ALL_ROLES, sessionOf, venueOf } from './common';

const validMunicipality = municipalityCode.refine(isValidMunicipalityCode, 'municipality code check digit');

const settingsSchema = z.object({
  deviceId: z.string().nullable(),
  venueId: z.string().nullable(),
  venueName: z.string().nullable(),
  deskId: z.string().nullable(),
  deskName: z.string().nullable(),
  defaultMunicipality: z.string().nullable(),
  servedMunicipalities: z.array(z.string()),
  idleLockMinutes: z.number(),
  needsSetup: z.boolean(),
  /** A training database is open (training mode): every screen shows the band. */
  training: z.boolean(),
  /** Set only in recovery mode (the runtime answers then): why the database cannot be opened. */
  recovery: z.object({ code: z.string(), message: z.object({ ja: z.string(), en: z.string() }) }).nullable(),
});

function describeDevice(db: Parameters<typeof readDeviceSettings>[0]) {
  const settings = readDeviceSettings(db);
  const venue = settings.venueId ? (db.prepare(`SELECT name FROM venues WHERE id = ?`).get(settings.venueId) as { name: string } | undefined) : undefined;
  const desk = settings.deskId ? getDesk(db, settings.deskId) : null;
  return {
    ...settings,
    servedMunicipalities: [...settings.servedMunicipalities],
    venueName: venue?.name ?? null,
    deskName: desk?.name ?? null,
    needsSetup: countStaff(db) === 0 || !settings.venueId || !settings.deskId,
    recovery: null,
  };
}

export const deviceOperations = {
  deviceStatus: defineOperation({
    summary: 'What this device is (venue, desk) and whether it still needs its first-run setup. No personal data.',
    passive: true,
    access: { public: true },
    input: z.strictObject({}),
    output: settingsSchema,
    handler(_input, context) {
      return describeDevice(context.db);
    },
  }),

  setupDevice: defineOperation({
    summary: 'First-run setup of a stand-alone device: venue, desk and the first supervisor. Refused once any staff exists.',
    access: { public: true },
    input: z.strictObject({
      venue: z.strictObject({ id: shortId, name: noIndividualNumber(z.string().trim().min(1).max(30)), municipality: validMunicipality }),
      desk: z.strictObject({ id: shortId, name: noIndividualNumber(z.string().trim().min(1).max(30)) }),
      servedMunicipalities: z.array(validMunicipality).max(50).optional(),
      supervisor: z.strictObject({
        login: noIndividualNumber(z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9._-]+$/)),
        displayName: noIndividualNumber(z.string().trim().min(1).max(40)),
        password: z.string().min(8).max(256),
      }),
    }),
    output: settingsSchema,
    handler(input, context) {
      if (countStaff(context.db) > 0) {
        refuse('ALREADY_SET_UP', text('この端末は設定済みです。管理者がログインして設定を変更してください。', 'This device is already set up. A supervisor must sign in to change settings.'));
      }
      upsertVenue(context.db, input.venue);
      upsertDesk(context.db, { id: input.desk.id, venueId: input.venue.id, name: input.desk.name });
      const supervisor = createStaff(context.db, { ...input.supervisor, role: 'supervisor' }, context.now);
      writeDeviceSettings(context.db, {
        deviceId: readDeviceSettings(context.db).deviceId ?? uuidv7(context.now.getTime()),
        venueId: input.venue.id,
        deskId: input.desk.id,
        defaultMunicipality: input.venue.municipality,
        servedMunicipalities: input.servedMunicipalities ?? [input.venue.municipality],
      });
      context.audit(supervisor.id, { venue: input.venue.id, desk: input.desk.id });
      return describeDevice(context.db);
    },
  }),

  configureDevice: defineOperation({
    summary: 'Change this device’s desk, default municipality, served municipalities or idle-lock time.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({
      deskId: shortId.optional(),
      defaultMunicipality: validMunicipality.optional(),
      servedMunicipalities: z.array(validMunicipality).min(1).max(50).optional(),
      idleLockMinutes: z.number().int().min(1).max(60).optional(),
    }),
    output: settingsSchema,
    handler(input, context) {
      if (input.deskId && !getDesk(context.db, input.deskId)) {
        refuse('UNKNOWN_DESK', text('その受付台は登録されていません。', 'No such desk.'));
      }
      const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      writeDeviceSettings(context.db, patch);
      context.audit(null, { fields: Object.keys(patch).join(',') });
      return describeDevice(context.db);
    },
  }),

  addDesk: defineOperation({
    summary: 'Add or rename a desk of this venue.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ id: shortId, name: noIndividualNumber(z.string().trim().min(1).max(30)) }),
    output: z.object({ id: z.string(), name: z.string() }),
    handler(input, context) {
      upsertDesk(context.db, { id: input.id, venueId: venueOf(context), name: input.name });
      context.audit(input.id);
      return input;
    },
  }),

  listDesks: defineOperation({
    summary: 'The venue’s desks with their active lots.',
    passive: true,
    access: { roles: ALL_ROLES },
    input: z.strictObject({}),
    output: z.array(
      z.object({
        id: z.string(), name: z.string(), activeLotId: z.string().nullable(), activeLotNumber: z.string().nullable(), productName: z.string().nullable(),
        /** Today's doctor (予診医) set by a supervisor for the desk, or null. */
        doctor: z.string().nullable(),
      }),
    ),
    handler(_input, context) {
      const venueId = venueOf(context);
      const today = venueDate(context.now);
      const lots = new Map(listLots(context.db, venueId).map((l) => [l.id, l]));
      const products = new Map(listProducts(context.db).map((p) => [p.id, p]));
      return listDesks(context.db, venueId).map((desk) => {
        const lot = desk.activeLotId ? lots.get(desk.activeLotId) : undefined;
        return {
          id: desk.id,
          name: desk.name,
          activeLotId: desk.activeLotId,
          activeLotNumber: lot?.lotNumber ?? null,
          productName: lot ? (products.get(lot.productId)?.name ?? null) : null,
          doctor: deskDoctor(context.db, desk.id, today)?.doctor ?? null,
        };
      });
    },
  }),

  setDeskDoctor: defineOperation({
    summary: 'A supervisor sets the doctor who clears the pre-screening (予診医) at a desk for today’s session; the nurse’s form shows it.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ deskId: shortId, doctor: noIndividualNumber(z.string().trim().min(1).max(20)) }),
    output: z.object({ deskId: z.string(), doctor: z.string(), at: z.string() }),
    handler(input, context) {
      const desk = getDesk(context.db, input.deskId);
      const venueId = venueOf(context);
      if (!desk || desk.venueId !== venueId) refuse('UNKNOWN_DESK', text('その受付台は登録されていません。台を選び直してください。', 'No such desk here. Choose the desk again.'));
      const set = setDeskDoctor(context.db, { venueId, deskId: desk.id, date: venueDate(context.now), doctor: input.doctor, staffId: sessionOf(context).staff.id }, context.now, context.records);
      context.audit(desk.id);
      context.emit({ type: 'desk', id: desk.id });
      return { deskId: set.deskId, doctor: set.doctor, at: set.at };
    },
  }),
};
