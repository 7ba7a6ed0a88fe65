/**
 * The reception desk: the card for the ticket just read. Each read gets a
 * sequence number; only the newest read's answer is ever shown, so a slow
 * answer for the previous ticket can never overwrite the card of the
 * person now standing at the desk.
 */
import { create } from 'zustand';
import type { StaffText } from '../../../src/common/messages';
import type { ReplyError } from '../../../src/api/reply';
import { call, type Value } from '../api/venue';
import { refusalOf, SIGHT_REFUSALS } from '../scanner/notices';
import { readTicket } from '../scanner/reads';
import type { CameraNotice } from '../scanner/useCameraScanner';
import { recordHealth } from './health';
import type { ReadSource } from './read-source';
import { playSound, type SoundName } from '../sound/sounds';
import { onWipe } from './privacy';
import { useSession } from './session';

export type Verdict = Extract<Value<'scanTicket'>, { read: 'ticket' }>['verdict'];
export type VerdictCode = Verdict['code'];

export type { ReadSource };

interface CardBase {
  readonly seq: number;
  readonly source: ReadSource;
}

export type Card =
  | (CardBase & { readonly kind: 'reading' })
  | (CardBase & {
      readonly kind: 'verdict';
      readonly canonical: string;
      readonly verdict: Verdict;
      readonly checkIn: 'idle' | 'busy' | 'done';
      readonly checkedInAt: string | null;
      readonly walkIn: 'idle' | 'busy' | 'sent';
      readonly actionError: ReplyError | null;
      readonly shownAt: number;
    })
  | (CardBase & { readonly kind: 'read-error'; readonly code: string; readonly message: StaffText })
  | (CardBase & { readonly kind: 'failure'; readonly error: ReplyError });

interface ReceptionState {
  readonly card: Card | null;
  readonly seq: number;
  submit(raw: string, source: ReadSource): Promise<void>;
  /** A camera sight that came to no single ticket: refused on the page, with words for staff. */
  notice(notice: CameraNotice, source: ReadSource): void;
  checkIn(): Promise<void>;
  requestWalkIn(): Promise<void>;
  /** Asks again for the card's ticket (a walk-in decision arrived); the card stays the same read. */
  refresh(): Promise<void>;
  clear(): void;
}

/** An Enter arriving this soon after the card appeared is not a decision about it. */
export const MIN_CARD_AGE_FOR_KEY_MS = 300;

/**
 * What the desk hears: the chime to admit; a calm tone for someone already
 * known today (checked in, vaccinated here): no buzzer, nobody is refused;
 * the buzzer for a person refused.
 */
export function soundOf(verdict: Verdict): SoundName {
  if (verdict.admit) return 'ok';
  return verdict.code === 'ALREADY_CHECKED_IN' || verdict.code === 'VACCINATED_TODAY' ? 'notice' : 'refusal';
}

export const useReception = create<ReceptionState>((set, get) => ({
  card: null,
  seq: 0,

  async submit(raw, source) {
    const seq = get().seq + 1;
    const read = readTicket(raw, useSession.getState().device?.defaultMunicipality);
    recordHealth(source, read.kind === 'error' ? { refused: read.code } : { read: true });
    if (read.kind === 'error') {
      // A read that failed (a misread, a vial, not a ticket) is not a refusal of anyone: it looks and sounds apart.
      set({ seq, card: { kind: 'read-error', seq, source, code: read.code, message: read.message } });
      playSound('misread');
      return;
    }
    // The old card goes at once: it must never be taken for the new ticket.
    set({ seq, card: { kind: 'reading', seq, source } });
    const reply = await call('scanTicket', { code: read.canonical });
    if (get().seq !== seq) return;
    if (!reply.ok) {
      set({ card: { kind: 'failure', seq, source, error: reply.error } });
      playSound('refusal');
      return;
    }
    if (reply.value.read === 'error') {
      set({ card: { kind: 'read-error', seq, source, code: reply.value.code, message: reply.value.message } });
      playSound('misread');
      return;
    }
    const verdict = reply.value.verdict;
    set({
      card: { kind: 'verdict', seq, source, canonical: read.canonical, verdict, checkIn: 'idle', checkedInAt: null, walkIn: 'idle', actionError: null, shownAt: performance.now() },
    });
    playSound(soundOf(verdict));
  },

  notice(notice, source) {
    recordHealth(source, notice.kind === 'failed-sight' ? { failedSight: true } : { refused: refusalOf(notice.kind) });
    if (notice.kind === 'failed-sight') return;
    const seq = get().seq + 1;
    const code = refusalOf(notice.kind);
    set({ seq, card: { kind: 'read-error', seq, source, code, message: SIGHT_REFUSALS[code] } });
    // A sight refused (codes that disagree, two tickets) is a read error, not a refusal of anyone.
    playSound('misread');
  },

  async checkIn() {
    const card = get().card;
    if (card?.kind !== 'verdict' || !card.verdict.admit || card.checkIn !== 'idle') return;
    const update = (patch: Partial<Extract<Card, { kind: 'verdict' }>>) => {
      const now = get().card;
      if (now?.kind === 'verdict' && now.seq === card.seq) set({ card: { ...now, ...patch } });
    };
    update({ checkIn: 'busy', actionError: null });
    const { municipality, number } = card.verdict.ticket;
    const reply = await call('checkIn', { municipality, number });
    if (!reply.ok) {
      update({ checkIn: 'idle', actionError: reply.error });
      playSound('refusal');
      return;
    }
    if (reply.value.checkedIn) {
      update({ checkIn: 'done', checkedInAt: reply.value.at, verdict: reply.value.verdict });
    } else {
      // Decided again at this moment (another desk may have checked them in): show why not.
      update({ checkIn: 'idle', verdict: reply.value.verdict });
      playSound(soundOf(reply.value.verdict));
    }
  },

  async requestWalkIn() {
    const card = get().card;
    if (card?.kind !== 'verdict' || card.walkIn !== 'idle') return;
    const update = (patch: Partial<Extract<Card, { kind: 'verdict' }>>) => {
      const now = get().card;
      if (now?.kind === 'verdict' && now.seq === card.seq) set({ card: { ...now, ...patch } });
    };
    update({ walkIn: 'busy', actionError: null });
    const { municipality, number } = card.verdict.ticket;
    const reply = await call('requestWalkIn', { municipality, number });
    if (!reply.ok) {
      update({ walkIn: 'idle', actionError: reply.error });
      return;
    }
    update({ walkIn: 'sent' });
    await get().refresh();
  },

  async refresh() {
    const card = get().card;
    if (card?.kind !== 'verdict') return;
    // Passive: an event brought this, not the person at the desk, so it must not hold off the idle lock.
    const reply = await call('ticketVerdict', card.verdict.ticket);
    const now = get().card;
    if (!reply.ok || now?.kind !== 'verdict' || now.seq !== card.seq) return;
    const verdict = reply.value.verdict;
    const becameAdmit = verdict.admit && !now.verdict.admit;
    set({ card: { ...now, verdict } });
    if (becameAdmit) playSound('ok');
  },

  clear() {
    set({ seq: get().seq + 1, card: null });
  },
}));

onWipe(() => useReception.getState().clear());
