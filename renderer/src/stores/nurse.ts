/**
 * The vaccination booth: the queue of people checked in at any desk, the
 * person being vaccinated, the lot (the desk's active lot, changed by
 * scanning a vial or box, or from the list), what the nurse must see next to
 * it (the booked product, the doses before, the product checks the lot
 * raises), and what was saved. What the nurse types for a person is a draft
 * kept per person: a ticket scanned mid-form asks before switching, and
 * switching back finds the draft as it was.
 */
import { create } from 'zustand';
import type { StaffText } from '../../../src/common/messages';
import { venueDate } from '../../../src/common/time';
import type { ReplyError } from '../../../src/api/reply';
import { call, type Value } from '../api/venue';
import { readTicketOrPack } from '../scanner/reads';
import { playSound } from '../sound/sounds';
import { onSessionEnd, onWipe } from './privacy';
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
export type DoseContext = Value<'doseContext'>;
export type Site = NonNullable<DoseRecord['site']>;

export const SITES: readonly Site[] = ['left_arm', 'right_arm', 'left_thigh', 'right_thigh'];
export const NOT_GIVEN_REASONS = ['fever', 'doctor', 'declined', 'other'] as const;
export type NotGivenReason = (typeof NOT_GIVEN_REASONS)[number];

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

/** What the nurse has entered for one person, kept while another person's form is open. */
export interface Draft {
  readonly site: Site | null;
  /** Chosen by the nurse for this person; null means the product's own time. */
  readonly observationMinutes: ObservationMinutes | null;
  readonly notGiven: boolean;
  readonly reasonKey: NotGivenReason | null;
  readonly otherReason: string;
  /** Why the product checks are confirmed. */
  readonly checkReason: string;
}

const EMPTY_DRAFT: Draft = { site: null, observationMinutes: null, notGiven: false, reasonKey: null, otherReason: '', checkReason: '' };

interface NurseState {
  readonly queue: readonly QueueEntry[];
  readonly queueLoaded: boolean;
  readonly lots: readonly Lot[];
  readonly desks: readonly Desk[];
  readonly products: readonly Product[];
  readonly selected: QueueEntry | null;
  readonly lotId: string | null;
  readonly draft: Draft;
  /** Drafts of people whose form was left for another's, by check-in id. */
  readonly drafts: Readonly<Record<string, Draft>>;
  readonly doctor: string;
  /** The nurse typed a doctor of their own; otherwise the form follows the desk's doctor. */
  readonly doctorTouched: boolean;
  /** The booked product, the doses before, and the product checks of the chosen lot, for the selected person. */
  readonly context: DoseContext | null;
  /** The save stopped on product checks: the nurse confirms with a reason, or chooses another lot. */
  readonly confirming: boolean;
  /** A ticket scanned while a form was open: the person to switch to, once the nurse says so. */
  readonly pendingSwitch: QueueEntry | null;
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
  /**
   * The form that was open when the screen locked: whose (the check-in id, never a name) and
   * whether it was stopped on product checks. Reopened once the queue is back after unlocking.
   */
  readonly resume: { readonly checkinId: string; readonly confirming: boolean } | null;
  readonly seq: number;
  readonly contextSeq: number;
  loadCatalog(): Promise<void>;
  refreshQueue(): Promise<void>;
  refreshContext(): Promise<void>;
  select(entry: QueueEntry | null): void;
  scanned(raw: string, source: ReadSource): Promise<void>;
  /** A camera sight that came to no single ticket (codes disagree, two tickets). */
  cameraNotice(notice: CameraNotice): void;
  showAllLots(): void;
  /** Switch to the person whose ticket was scanned mid-form (true), or stay (false); the draft stays either way. */
  answerSwitch(switchTo: boolean): void;
  /** `lotNumber` names the lot when it is not in the list yet (it just arrived through sync). */
  chooseLot(lotId: string, how: 'list' | 'scan', lotNumber?: string | null): Promise<void>;
  edit(patch: Partial<Draft>): void;
  setDoctor(doctor: string): void;
  /** The doctor back to the one the supervisor set for this desk. */
  useDeskDoctor(): void;
  record(status: 'performed' | 'not_performed', reason?: string): Promise<void>;
  /** Save after confirming the product checks with the reason in the draft. */
  confirmChecks(): Promise<void>;
  cancelConfirm(): void;
  next(): void;
  dismissNotice(): void;
}

const BLANK = {
  queue: [] as readonly QueueEntry[],
  queueLoaded: false,
  selected: null,
  draft: EMPTY_DRAFT,
  drafts: {},
  context: null,
  confirming: false,
  pendingSwitch: null,
  saving: false,
  saved: null,
  savedFor: null,
  error: null,
  notice: null,
  lotProduct: null,
  scanCard: null,
  resume: null,
} as const;

function deskId(): string | null {
  return useSession.getState().deskId;
}

export function lotLabel(lot: Lot): string {
  return `${lot.lotNumber} · ${lot.productName}`;
}

/** The supervisor's doctor for this desk today, if any. */
export function deskDoctorOf(desks: readonly Desk[]): string | null {
  return desks.find((d) => d.id === deskId())?.doctor ?? null;
}

export const useNurse = create<NurseState>((set, get) => ({
  ...BLANK,
  lots: [],
  desks: [],
  products: [],
  lotId: null,
  doctor: '',
  doctorTouched: false,
  seq: 0,
  contextSeq: 0,

  async loadCatalog() {
    const [lots, desks, products] = await Promise.all([call('listLots', {}), call('listDesks', {}), call('listProducts', {})]);
    const patch: { -readonly [K in 'lots' | 'products' | 'desks' | 'lotId' | 'doctor']?: NurseState[K] } = {};
    if (lots.ok) patch.lots = lots.value;
    if (products.ok) patch.products = products.value;
    if (desks.ok) {
      patch.desks = desks.value;
      // The desk's active lot is the default, unless the nurse already chose one here.
      const mine = desks.value.find((d) => d.id === deskId());
      if (get().lotId === null && mine?.activeLotId) patch.lotId = mine.activeLotId;
      // The form follows the desk's doctor (a new shift), unless the nurse typed one of their own.
      if (!get().doctorTouched && mine?.doctor) patch.doctor = mine.doctor;
    }
    const lotChanged = patch.lotId !== undefined && patch.lotId !== get().lotId;
    set(patch);
    if (lotChanged) void get().refreshContext();
  },

  async refreshQueue() {
    const reply = await call('vaccinationQueue', {});
    if (!reply.ok) return;
    const queue = reply.value;
    const { selected, resume } = get();
    set({ queue, queueLoaded: true, selected: selected ? (queue.find((q) => q.checkinId === selected.checkinId) ?? (get().saving ? selected : null)) : null });
    // Back from the lock: the same person's form, with what was entered (unless they were recorded meanwhile).
    const back = resume && !selected ? queue.find((q) => q.checkinId === resume.checkinId) : undefined;
    if (resume) set({ resume: null });
    if (back) {
      get().select(back);
      if (resume?.confirming) set({ confirming: true });
    }
  },

  async refreshContext() {
    const { selected, lotId } = get();
    const contextSeq = get().contextSeq + 1;
    set({ contextSeq });
    if (!selected) {
      set({ context: null });
      return;
    }
    const reply = await call('doseContext', { municipality: selected.municipality, ticketNumber: selected.ticketNumber, doseNumber: selected.doseNumber, lotId });
    if (get().contextSeq !== contextSeq) return;
    set({ context: reply.ok ? reply.value : null });
  },

  select(entry) {
    const { selected, draft, drafts } = get();
    // What was typed for the person on screen is kept for when they come back.
    const kept = selected && !get().saved ? { ...drafts, [selected.checkinId]: draft } : drafts;
    const restored = entry ? (kept[entry.checkinId] ?? EMPTY_DRAFT) : EMPTY_DRAFT;
    set({ selected: entry, saved: null, savedFor: null, error: null, scanCard: null, draft: restored, drafts: kept, context: null, confirming: false, pendingSwitch: null });
    void get().refreshContext();
  },

  async scanned(raw, source) {
    const seq = get().seq + 1;
    set({ seq });
    const device = useSession.getState().device;
    const read = readTicketOrPack(raw, device?.defaultMunicipality, venueDate(new Date()));
    recordHealth(source, read.kind === 'error' ? { refused: read.code } : { read: true });
    if (read.kind === 'error') {
      set({ notice: { tone: 'error', text: read.message } });
      playSound('misread');
      return;
    }
    if (read.kind === 'pack') {
      const reply = await call('scanLot', { code: read.code });
      if (get().seq !== seq) return;
      if (!reply.ok) {
        set({ notice: { tone: 'error', text: reply.error.message } });
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
    const open = get().selected !== null && get().saved === null;
    if (entry && open) {
      // A form is open: never switch person under the nurse's hands. Ask first; nothing typed is lost.
      if (get().selected?.checkinId === entry.checkinId) {
        set({ notice: { tone: 'info', text: { ja: 'この方の画面を表示中です。', en: 'This person’s form is already open.' } } });
        playSound('notice');
      } else {
        set({ pendingSwitch: entry, notice: null });
        playSound('notice');
      }
      return;
    }
    if (entry) {
      get().select(entry);
      set({ notice: null });
      playSound('ok');
      return;
    }
    if (open) {
      // Not in the queue: say so, and keep the form of the person being vaccinated.
      set({ notice: { tone: 'error', text: { ja: 'この接種券の人は受付済みの一覧にいません。入力中の画面はそのままです。', en: 'This ticket’s holder is not in the checked-in list. The open form is unchanged.' } } });
      playSound('refusal');
      return;
    }
    set({ selected: null, context: null, scanCard: { kind: 'reading', seq, source } });
    const reply = await call('scanTicket', { code: read.canonical });
    if (get().seq !== seq) return;
    if (!reply.ok) {
      set({ scanCard: { kind: 'failure', seq, source, error: reply.error } });
    } else if (reply.value.read === 'error') {
      set({ scanCard: { kind: 'read-error', seq, source, code: reply.value.code, message: reply.value.message } });
      playSound('misread');
      return;
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
    playSound('misread');
  },

  showAllLots() {
    set({ lotProduct: null });
  },

  answerSwitch(switchTo) {
    const target = get().pendingSwitch;
    set({ pendingSwitch: null });
    if (switchTo && target) get().select(target);
  },

  async chooseLot(lotId, how, lotNumber) {
    const lot = get().lots.find((l) => l.id === lotId);
    set({ lotId, error: null, confirming: false });
    void get().refreshContext();
    // The desk keeps the lot for the next person too.
    const reply = await call('setDeskLot', { lotId });
    if (!reply.ok) {
      set({ notice: { tone: 'error', text: reply.error.message } });
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

  edit(patch) {
    set({ draft: { ...get().draft, ...patch } });
  },

  setDoctor(doctor) {
    set({ doctor, doctorTouched: true });
  },

  useDeskDoctor() {
    set({ doctor: deskDoctorOf(get().desks) ?? '', doctorTouched: false });
  },

  async record(status, reason) {
    const { selected, lotId, draft, doctor, lots, products, saving, pendingSwitch, context } = get();
    if (!selected || saving || pendingSwitch) return;
    const lot = lots.find((l) => l.id === lotId);
    const product = lot ? products.find((p) => p.id === lot.productId) : undefined;
    const confirming = get().confirming && status === 'performed';
    set({ saving: true, error: null });
    const reply = await call('recordDose', {
      municipality: selected.municipality,
      ticketNumber: selected.ticketNumber,
      doseNumber: selected.doseNumber,
      status,
      reason: status === 'not_performed' ? (reason ?? '') : null,
      lotId: status === 'performed' ? lotId : null,
      volumeMl: status === 'performed' ? (product?.doseVolumeMl ?? null) : null,
      site: status === 'performed' ? draft.site : null,
      doctor: doctor.trim() || null,
      observationMinutes: status === 'performed' ? (draft.observationMinutes ?? productObservation(product)) : null,
      confirmChecks: confirming ? { codes: (context?.checks ?? []).map((c) => c.code), reason: draft.checkReason.trim() } : null,
    });
    if (!reply.ok) {
      // Stopped on product checks: the nurse confirms them with a reason, or chooses another lot.
      const checks = reply.error.code === 'CHECK_CONFIRMATION_REQUIRED';
      set({ saving: false, error: reply.error, confirming: checks || get().confirming });
      playSound('refusal');
      if (checks) await get().refreshContext();
      return;
    }
    const drafts = { ...get().drafts };
    delete drafts[selected.checkinId];
    set({ saving: false, saved: reply.value, savedFor: selected, selected: null, confirming: false, drafts, draft: EMPTY_DRAFT, context: null });
    playSound('ok');
    void get().refreshQueue();
  },

  async confirmChecks() {
    if (!get().confirming || get().draft.checkReason.trim().length < 2) return;
    await get().record('performed');
  },

  cancelConfirm() {
    set({ confirming: false, error: null });
  },

  next() {
    set({ saved: null, savedFor: null, selected: null, error: null, scanCard: null, draft: EMPTY_DRAFT, context: null, confirming: false, pendingSwitch: null });
  },

  dismissNotice() {
    set({ notice: null });
  },
}));

/**
 * The lock: names, the queue and every answer about a person go. What the nurse entered stays for
 * her (drafts by check-in id, the lot, the doctor), with the id of the person whose form was open.
 */
onWipe(() =>
  useNurse.setState((s) => {
    const open = s.selected && !s.saved ? s.selected.checkinId : null;
    return {
      ...BLANK,
      seq: s.seq + 1,
      contextSeq: s.contextSeq + 1,
      drafts: open ? { ...s.drafts, [open]: s.draft } : s.drafts,
      resume: open ? { checkinId: open, confirming: s.confirming } : s.resume,
    };
  }),
);
onSessionEnd(() => useNurse.setState({ ...BLANK, drafts: {}, lotId: null, doctor: '', doctorTouched: false }));
