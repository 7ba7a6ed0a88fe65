/**
 * The demo venue: a small made-up venue, roster, products, lots and staff.
 * The browser host seeds it with --demo (and `npm start` without Electron),
 * training mode seeds it into its own database (training-venue.ts), and the
 * tests use it everywhere. Sign-in details are in the README. Everything here
 * is invented.
 */
import { addDays, venueDate } from '../common/time';
import { insertLot, upsertDesk, upsertProducts, upsertVenue, type Product } from '../doses/catalog';
import { outboxSink } from '../records/outbox';
import { importRosterCsv } from '../roster/import';
import { createStaff } from '../staff/accounts';
import { hashRecoveryCode } from '../staff/second-factor';
import { replaceSecondFactor } from '../staff/two-factor';
import type { VenueDb } from '../store/database';
import { writeDeviceSettings } from '../store/settings';
import { rosterCsv, type MadeUpPerson } from './made-up-roster';

export const DEMO_MUNICIPALITY = '131016'; // 千代田区 (a real code, invented people)
export const OTHER_MUNICIPALITY = '141003'; // 横浜市: valid, but not served by the demo venue
export const DEMO_VENUE = { id: 'V001', name: '区民会館ホール', municipality: DEMO_MUNICIPALITY } as const;
export const OTHER_VENUE = { id: 'V002', name: 'スポーツセンター' } as const;
export const DEMO_DESKS = [
  { id: 'R1', name: '受付1' },
  { id: 'R2', name: '受付2' },
  { id: 'N1', name: '接種ブース1' },
] as const;

export const DEMO_STAFF = {
  supervisor: { login: 'kanri', displayName: '管理 花子', role: 'supervisor', password: 'kanri-pass-1' },
  reception: { login: 'uketsuke', displayName: '受付 太郎', role: 'reception', password: 'uketsuke-pass-1' },
  nurse: { login: 'kango', displayName: '看護 次郎', role: 'nurse', password: 'kango-pass-1' },
} as const;

/**
 * The demo supervisor's second factor, made up and published in the README
 * (type the secret into an authenticator app, or print the current code with
 * `npm run demo:code`), like the demo passwords. Never a real account's.
 */
export const DEMO_TOTP_SECRET = 'DEMOVENUEKANRISUPERVISORTOTP2345';
export const DEMO_RECOVERY_CODES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K'].map((c) => `DEMA${c}-23456`);

export const DEMO_PRODUCTS: Product[] = [
  {
    id: 'PFZ-COMIRNATY',
    maker: 'ファイザー',
    name: 'コミナティ筋注',
    vaccineType: 'COVID-19 mRNA',
    doseVolumeMl: 0.3,
    minIntervalDays: 21,
    minAge: 12,
    maxAge: null,
    observationMinutes: 15,
    dosesPerVial: 6,
    gtins: ['04987123456784'],
    // The primary series stays with one product: a dose of this one follows only a dose of this one.
    mayFollow: ['PFZ-COMIRNATY'],
  },
  {
    id: 'MOD-SPIKEVAX',
    maker: 'モデルナ',
    name: 'スパイクバックス筋注',
    vaccineType: 'COVID-19 mRNA',
    doseVolumeMl: 0.5,
    minIntervalDays: 28,
    minAge: 12,
    maxAge: null,
    observationMinutes: 15,
    dosesPerVial: 10,
    gtins: ['04912345678904'],
    mayFollow: ['MOD-SPIKEVAX'],
  },
];

/**
 * The venue's lots. Lists show the soonest expiry first, so the first lot is
 * one of the product every demo booking is for (a dose with another product
 * must be confirmed with a reason at the nurse's form).
 */
export const DEMO_LOTS = [
  { productId: 'PFZ-COMIRNATY', lotNumber: 'FA1234', expiryDays: 120 },
  { productId: 'PFZ-COMIRNATY', lotNumber: 'FB5678', expiryDays: 200 },
  { productId: 'MOD-SPIKEVAX', lotNumber: 'MS0001', expiryDays: 150 },
] as const;

/** Ticket numbers of the demo people, by what scanning them shows. */
export const DEMO_TICKETS = {
  ok: '0000100001',
  okSecond: '0000100002',
  okNw7: '0000100003',
  bookedOtherDay: '0000100004',
  alreadyVaccinated: '0000100005',
  moved: '0000100006',
  otherVenue: '0000100007',
  tooSoon: '0000100008',
  tooYoung: '0000100009',
  outOfOrder: '0000100010',
  unknown: '0000999999',
} as const;

/** The 18 digits printed on a ticket: kind, dose, municipality, number. */
export function ticketLine(number: string, dose = 1, municipality: string = DEMO_MUNICIPALITY, kind = 1): string {
  return `${kind}${dose}${municipality}${number}`;
}

/** Where the demo people live and are booked; training moves them to a made-up municipality and ticket range. */
export interface DemoPlace {
  readonly municipality: string;
  readonly venueId: string;
  readonly otherVenueId: string;
  /** The venue's own number for a demo ticket number. */
  readonly ticketNumber: (demoNumber: string) => string;
}

const DEMO_PLACE: DemoPlace = { municipality: DEMO_MUNICIPALITY, venueId: DEMO_VENUE.id, otherVenueId: OTHER_VENUE.id, ticketNumber: (n) => n };

export function demoPeople(today: string, place: DemoPlace = DEMO_PLACE): MadeUpPerson[] {
  const m = place.municipality;
  const v = place.venueId;
  const p = 'PFZ-COMIRNATY';
  const person = (demoNumber: string, kana: string, kanji: string, birth: string, sex: 'M' | 'F', extra: Partial<MadeUpPerson> = {}): MadeUpPerson => {
    const n = place.ticketNumber(demoNumber);
    return {
      municipality: m,
      ticketNumber: n,
      personRef: `A${n.slice(-6)}`,
      nameKana: kana,
      nameKanji: kanji,
      birthDate: birth,
      sex,
      phone: `090-1234-${n.slice(-4)}`,
      email: `person${n.slice(-4)}@example.jp`,
      ...extra,
    };
  };
  const T = DEMO_TICKETS;
  const n = place.ticketNumber;
  return [
    person(T.ok, 'ヤマダ タロウ', '山田 太郎', '1958-04-12', 'M', {
      bookings: [
        { id: `BK-${n(T.ok)}-1`, venue: v, date: today, slot: '10:00-10:30', dose: 1, product: p, set: `SET-${n(T.ok)}` },
        { id: `BK-${n(T.ok)}-2`, venue: v, date: addDays(today, 21), slot: '10:00-10:30', dose: 2, product: p, set: `SET-${n(T.ok)}` },
      ],
    }),
    person(T.okSecond, 'スズキ ハナコ', '鈴木 花子', '1972-09-30', 'F', {
      priorDoses: [{ dose: 1, date: addDays(today, -60), product: p, place: '区民会館ホール' }],
      bookings: [{ id: `BK-${n(T.okSecond)}`, venue: v, date: today, slot: '10:30-11:00', dose: 2, product: p }],
    }),
    person(T.okNw7, 'タカハシ イチロウ', '髙橋 一郎', '1949-01-05', 'M', {
      bookings: [{ id: `BK-${n(T.okNw7)}`, venue: v, date: today, slot: '11:00-11:30', dose: 1, product: p }],
    }),
    person(T.bookedOtherDay, 'タナカ ヨウコ', '田中 洋子', '1965-06-18', 'F', {
      bookings: [{ id: `BK-${n(T.bookedOtherDay)}`, venue: v, date: addDays(today, 3), slot: '14:00-14:30', dose: 1, product: p }],
    }),
    person(T.alreadyVaccinated, 'ワタナベ ケンジ', '渡辺 健二', '1950-11-23', 'M', {
      priorDoses: [
        { dose: 1, date: addDays(today, -120), product: p, place: '中央病院' },
        { dose: 2, date: addDays(today, -30), product: p, place: 'スポーツセンター' },
      ],
      bookings: [{ id: `BK-${n(T.alreadyVaccinated)}`, venue: v, date: today, slot: '13:00-13:30', dose: 2, product: p }],
    }),
    person(T.moved, 'イトウ ミキ', '伊藤 美紀', '1980-02-29', 'F', { status: 'moved_out' }),
    person(T.otherVenue, 'ナカムラ サトシ', '中村 聡', '1975-07-07', 'M', {
      bookings: [{ id: `BK-${n(T.otherVenue)}`, venue: place.otherVenueId, date: today, slot: '09:30-10:00', dose: 1, product: p }],
    }),
    person(T.tooSoon, 'コバヤシ ユイ', '小林 結衣', '1990-03-03', 'F', {
      priorDoses: [{ dose: 1, date: addDays(today, -10), product: p, place: '区民会館ホール' }],
      bookings: [{ id: `BK-${n(T.tooSoon)}`, venue: v, date: today, slot: '15:00-15:30', dose: 2, product: p }],
    }),
    person(T.tooYoung, 'カトウ ソラ', '加藤 空', addDays(today, -365 * 8), 'M', {
      bookings: [{ id: `BK-${n(T.tooYoung)}`, venue: v, date: today, slot: '15:30-16:00', dose: 1, product: p }],
    }),
    person(T.outOfOrder, 'ヨシダ マコト', '吉田 誠', '1960-12-01', 'M', {
      priorDoses: [{ dose: 1, date: addDays(today, -200), product: p, place: '中央病院' }],
      bookings: [{ id: `BK-${n(T.outOfOrder)}`, venue: v, date: today, slot: '16:00-16:30', dose: 3, product: p }],
    }),
  ];
}

export function demoRosterCsv(today: string, encoding: 'utf-8' | 'shift_jis' = 'utf-8'): Buffer {
  return rosterCsv(demoPeople(today), encoding);
}

export interface DemoVenueSeed {
  /** The venue and municipality of the device (the demo's by default). */
  readonly venue?: { readonly id: string; readonly name: string; readonly municipality: string };
  readonly otherVenue?: { readonly id: string; readonly name: string };
  readonly deviceId?: string;
  /** The roster to import (the demo people by default). */
  readonly roster?: Uint8Array;
}

/** Seeds the demo venue (or one made like it) straight through the core, into an empty database. */
export function seedDemoVenue(db: VenueDb, now: Date, seed: DemoVenueSeed = {}): void {
  const today = venueDate(now);
  const venue = seed.venue ?? DEMO_VENUE;
  const other = seed.otherVenue ?? OTHER_VENUE;
  db.transaction(() => {
    upsertVenue(db, venue);
    upsertVenue(db, { ...other, municipality: venue.municipality });
    for (const desk of DEMO_DESKS) upsertDesk(db, { ...desk, venueId: venue.id });
    upsertProducts(db, DEMO_PRODUCTS);
    // The demo lots travel like any lot added at a desk (the venue's other devices learn of them).
    const lots = outboxSink(db, now);
    for (const lot of DEMO_LOTS) {
      insertLot(db, { venueId: venue.id, productId: lot.productId, lotNumber: lot.lotNumber, expiry: addDays(today, lot.expiryDays), addedBy: null }, now, lots);
    }
    for (const staff of Object.values(DEMO_STAFF)) {
      const made = createStaff(db, staff, now);
      if (made.role === 'supervisor') replaceSecondFactor(db, made.id, { secret: DEMO_TOTP_SECRET, recoveryHashes: DEMO_RECOVERY_CODES.map(hashRecoveryCode) }, now);
    }
    writeDeviceSettings(db, {
      deviceId: seed.deviceId ?? 'device-test',
      venueId: venue.id,
      deskId: DEMO_DESKS[0].id,
      defaultMunicipality: venue.municipality,
      servedMunicipalities: [venue.municipality],
    });
  })();
  importRosterCsv(db, seed.roster ?? demoRosterCsv(today), { today });
}
