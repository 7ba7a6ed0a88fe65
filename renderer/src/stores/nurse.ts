/**
 * The vaccination booth: the queue of people checked in at any desk, the
 * person being vaccinated, the lot (the desk's active lot, changed by
 * scanning a vial or box, or from the list), and what was saved.
 */
import { create } from 'zustand';
import type { StaffText } from '../../../src/common/messages';
import { venueDate } from '../../../src/common/time';
import type { ReplyError } from '../../../src/api/reply';
import { call, type Value } from '../api/venue';
import { readTicketOrPack } from '../scanner/reads';
import { playSound } from '../sound/sounds';
import { onWipe } from './privacy';
import { refusalOf, SIGHT_REFUSALS } from '../scanner/notices';
import type { CameraNotice } from '../scanner/useCameraScanner';
import { recordHealth } from './health';
import type { Card, ReadSource } from './reception';
import { useSession } from './session';

export type QueueEntry = Value<'vaccinationQueue'>[number];
export type Lot = Value<'listLots'>[number];
export type Desk = Value<'listDesks'>[number];
export type Product = Value<'listProducts'>[number];
export type DoseRecord = Value<'recordDose'>;
export type Site = NonNullable<DoseRecord['site']>;

export const SITES: readonly Site[] = ['left_arm', 'right_arm', 'left_thigh', 'right_thigh'];

/** Minutes of observation after the dose: 15, or 30 when the person's history or the product calls for it. */
export type ObservationMinutes = 15 | 30;

/** The product's own observation time (the default the nurse may raise to 30). */
export function productObservation(product: Product | undefined): ObservationMinutes {
  return product?.observationMinutes === 30 ? 30 : 15;
}

export interface Notice {
  readonly tone: 'ok' | 'error' | 'info';
  readonly text: StaffText;
}

interface NurseState {
  readonly queue: readonly QueueEntry[];
  readonly queueLoaded: boolean;
  readonly lots: readonly Lot[];
  readonly desks: readonly Desk[];
  readonly products: readonly Product[];
  readonly selected: QueueEntry | null;
  readonly lotId: string | null;
  readonly site: Site | null;
  readonly doctor: string;
  /** Chosen by the nurse for this person; null means the product's own time. */
  readonly observationMinutes: ObservationMinutes | null;
  readonly saving: boolean;
  readonly saved: DoseRecord | null;
  /** Who the saved record was for (the queue entry leaves the queue once recorded). */
  readonly savedFor: QueueEntry | null;
  readonly error: ReplyError | null;
  readonly notice: Notice | null;
  /** A pack read gave only its product (GTIN; no lot or expiry): the lot list shows that product's lots. */
  readonly lotProduct: string | null;
  /** A ticket scanned at the booth that is not in the queue: its verdict. */
  readonly scanCard: Card | null;
  readonly seq: number;
  loadCatalog(): Promise<void>;
  refreshQueue(): Promise<void>;
  select(entry: QueueEntry | null): void;
  scanned(raw: string, source: ReadSource): Promise<void>;
  /** A camera sight that came to no single ticket (codes disagree, two tickets). */
  cameraNotice(notice: CameraNotice): void;
  showAllLots(): void;
  /** `lotNumber` names the lot when it is not in the list yet (it just arrived through sync). */
  chooseLot(lotId: string, how: 'list' | 'scan', lotNumber?: string | null): Promise<void>;
  setSite(site: Site | null): void;
  setDoctor(doctor: string): void;
  setObservationMinutes(minutes: ObservationMinutes): void;
  record(status: 'performed' | 'not_performed', reason?: string): Promise<void>;
  next(): void;
  dismissNotice(): void;
}

const BLANK = {
  queue: [] as readonly QueueEntry[],
  queueLoaded: false,
  selected: null,
  site: null,
  observationMinutes: null,
  saving: false,
  saved: null,
  savedFor: null,
  error: null,
  notice: null,
  lotProduct: null,
  scanCard: null,
} as const;

function deskId(): string | null {
  return useSession.getState().deskId;
}

export function lotLabel(lot: Lot): string {
  return `${lot.lotNumber} · ${lot.productName}`;
}

export const useNurse = create<NurseState>((set, get) => ({
  ...BLANK,
  lots: [],
  desks: [],
  products: [],
  lotId: null,
  doctor: '',
  seq: 0,

  async loadCatalog() {
    const [lots, desks, products] = await Promise.all([call('listLots', {}), call('listDesks', {}), call('listProducts', {})]);
    const patch: { -readonly [K in 'lots' | 'products' | 'desks' | 'lotId']?: NurseState[K] } = {};
    if (lots.ok) patch.lots = lots.value;
    if (products.ok) patch.products = products.value;
    if (desks.ok) {
      patch.desks = desks.value;
      // The desk's active lot is the default, unless the nurse already chose one here.
      const mine = desks.value.find((d) => d.id === deskId());
      if (get().lotId === null && mine?.activeLotId) patch.lotId = mine.activeLotId;
    }
    set(patch);
  },

  async refreshQueue() {
    const reply = await call('vaccinationQueue', {});
    if (!reply.ok) return;
    const queue = reply.value;
    const selected = get().selected;
    set({ queue, queueLoaded: true, selected: selected ? (queue.find((q) => q.checkinId === selected.checkinId) ?? (get().saving ? selected : null)) : null });
  },

  select(entry) {
    set({ selected: entry, saved: null, savedFor: null, error: null, scanCard: null, site: null, observationMinutes: null });
  },

  async scanned(raw, source) {
    const seq = get().seq + 1;
    set({ seq });
    const device = useSession.getState().device;
    const read = readTicketOrPack(raw, device?.defaultMunicipality, venueDate(new Date()));
    recordHealth(source, read.kind === 'error' ? { refused: read.code } : { read: true });
    if (read.kind === 'error') {
      set({ notice: { tone: 'error', text: read.message } });
      playSound('refusal');
      return;
    }
    if (read.kind === 'pack') {
      const reply = await call('scanLot', { code: read.code });
      if (get().seq !== seq) return;
      if (!reply.ok) {
        set({ notice: { tone: 'error', text: { ja: reply.error.message, en: reply.error.messageEn } } });
        playSound('refusal');
        return;
      }
      const value = reply.value;
      if (value.read === 'pack' && value.kind === 'match' && value.lotId) {
        set({ lotProduct: null });
        await get().chooseLot(value.lotId, 'scan', value.lotNumber);
        return;
      }
      // Only the product was read (a camera cannot read a vial's composite part): pick among its lots.
      const onlyProduct = value.read === 'pack' && value.kind === 'incomplete' && value.productId !== null;
      set({ notice: { tone: 'error', text: value.message }, lotProduct: onlyProduct ? value.productId : null });
      playSound('refusal');
      return;
    }
    const { municipality, number } = read.ticket;
    await get().refreshQueue();
    if (get().seq !== seq) return;
    const entry = get().queue.find((q) => q.municipality === municipality && q.ticketNumber === number);
    if (entry) {
      get().select(entry);
      set({ notice: null });
      playSound('ok');
      return;
    }
    set({ selected: null, scanCard: { kind: 'reading', seq, source } });
    const reply = await call('scanTicket', { code: read.canonical });
    if (get().seq !== seq) return;
    if (!reply.ok) {
      set({ scanCard: { kind: 'failure', seq, source, error: reply.error } });
    } else if (reply.value.read === 'error') {
      set({ scanCard: { kind: 'read-error', seq, source, code: reply.value.code, message: reply.value.message } });
    } else {
      set({
        scanCard: {
          kind: 'verdict',
          seq,
          source,
          canonical: read.canonical,
          verdict: reply.value.verdict,
          checkIn: 'idle',
          checkedInAt: null,
          walkIn: 'idle',
          actionError: null,
          shownAt: performance.now(),
        },
      });
    }
    playSound('refusal');
  },

  cameraNotice(notice) {
    const source: ReadSource = { kind: 'camera', via: 'code', firstFrameAt: null, sightStartedAt: notice.sightStartedAt, cameraSession: 0 };
    recordHealth(source, notice.kind === 'failed-sight' ? { failedSight: true } : { refused: refusalOf(notice.kind) });
    if (notice.kind === 'failed-sight') return;
    set({ notice: { tone: 'error', text: SIGHT_REFUSALS[refusalOf(notice.kind)] } });
    playSound('refusal');
  },

  showAllLots() {
    set({ lotProduct: null });
  },

  async chooseLot(lotId, how, lotNumber) {
    const lot = get().lots.find((l) => l.id === lotId);
    set({ lotId, error: null });
    // The desk keeps the lot for the next person too.
    const reply = await call('setDeskLot', { lotId });
    if (!reply.ok) {
      set({ notice: { tone: 'error', text: { ja: reply.error.message, en: reply.error.messageEn } } });
      playSound('refusal');
      return;
    }
    if (how === 'scan') {
      const label = lot?.lotNumber ?? lotNumber ?? '';
      set({ notice: { tone: 'ok', text: { ja: `ロットを ${label} に切り替えました`, en: `Lot switched to ${label}` } } });
      playSound('ok');
    }
    void get().loadCatalog();
  },

  setSite(site) {
    set({ site });
  },

  setDoctor(doctor) {
    set({ doctor });
  },

  setObservationMinutes(minutes) {
    set({ observationMinutes: minutes });
  },

  async record(status, reason) {
    const { selected, lotId, site, doctor, lots, products, saving, observationMinutes } = get();
    if (!selected || saving) return;
    const lot = lots.find((l) => l.id === lotId);
    const product = lot ? products.find((p) => p.id === lot.productId) : undefined;
    set({ saving: true, error: null });
    const reply = await call('recordDose', {
      municipality: selected.municipality,
      ticketNumber: selected.ticketNumber,
      doseNumber: selected.doseNumber,
      status,
      reason: status === 'not_performed' ? (reason ?? '') : null,
      lotId: status === 'performed' ? lotId : null,
      volumeMl: status === 'performed' ? (product?.doseVolumeMl ?? null) : null,
      site: status === 'performed' ? site : null,
      doctor: doctor.trim() || null,
      observationMinutes: status === 'performed' ? (observationMinutes ?? productObservation(product)) : null,
    });
    if (!reply.ok) {
      set({ saving: false, error: reply.error });
      playSound('refusal');
      return;
    }
    set({ saving: false, saved: reply.value, savedFor: selected, selected: null });
    playSound('ok');
    void get().refreshQueue();
  },

  next() {
    set({ saved: null, savedFor: null, selected: null, error: null, scanCard: null, site: null, observationMinutes: null });
  },

  dismissNotice() {
    set({ notice: null });
  },
}));

onWipe(() => useNurse.setState((s) => ({ ...BLANK, seq: s.seq + 1, lotId: null })));
