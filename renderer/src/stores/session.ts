/**
 * Who is at this desk. The session token itself never reaches the page (the
 * transport keeps it); the page knows only who signed in and whether the
 * screen is locked.
 */
import { create } from 'zustand';
import type { ReplyError } from '../../../src/api/reply';
import type { StaffText } from '../../../src/common/messages';
import { call, onSessionSignal, type Value } from '../api/venue';
import { endSessionData, wipePersonalData } from './privacy';

export type DeviceStatus = Value<'deviceStatus'>;
export type StaffIdentity = Value<'whoAmI'>['staff'];
export type Role = StaffIdentity['role'];
export type SessionStatus = 'booting' | 'setup' | 'recovery' | 'signed-out' | 'active' | 'locked';
/** A supervisor's second factor in this session: not asked of the role, given at sign-in, or still to be set up. */
export type SecondFactor = Value<'whoAmI'>['secondFactor'];

interface SessionState {
  readonly status: SessionStatus;
  readonly device: DeviceStatus | null;
  readonly staff: StaffIdentity | null;
  readonly deskId: string | null;
  readonly idleLockMinutes: number;
  readonly secondFactor: SecondFactor;
  /** Set when a recovery code was used to sign in: how many are left (the supervisor is told). */
  readonly recoveryCodesLeft: number | null;
  /** The line to the core (host WebSocket) is down. */
  readonly transportDown: boolean;
  readonly bootError: ReplyError | null;
  /** Why the database could not be opened (recovery mode). */
  readonly recovery: StaffText | null;
  boot(): Promise<void>;
  refreshDevice(): Promise<void>;
  /** `code`: a supervisor's code from the authenticator app or a recovery code, once asked for. */
  signIn(login: string, password: string, code?: string): Promise<ReplyError | null>;
  signOut(): Promise<void>;
  lock(): Promise<void>;
  unlock(password: string, code?: string): Promise<ReplyError | null>;
  /** The second factor was set up in this session (it is verified from now on). */
  secondFactorSet(): void;
  /** The supervisor has read how many recovery codes are left: the notice goes (it would take room all session). */
  dismissRecoveryNotice(): void;
  setTransport(down: boolean): void;
}

export const useSession = create<SessionState>((set, get) => ({
  status: 'booting',
  device: null,
  staff: null,
  deskId: null,
  idleLockMinutes: 5,
  secondFactor: 'not-required',
  recoveryCodesLeft: null,
  transportDown: false,
  bootError: null,
  recovery: null,

  dismissRecoveryNotice() {
    set({ recoveryCodesLeft: null });
  },

  async boot() {
    const reply = await call('deviceStatus', {});
    if (!reply.ok) {
      set({ bootError: reply.error });
      return;
    }
    // In recovery mode the runtime answers deviceStatus with the problem and nothing else.
    const recovery = (reply.value as unknown as { recovery?: { message?: StaffText } }).recovery;
    if (recovery) {
      endSessionData();
      set({ status: 'recovery', recovery: recovery.message ?? null, bootError: null, staff: null });
      return;
    }
    set({ device: reply.value, bootError: null, recovery: null });
    if (reply.value.needsSetup) {
      set({ status: 'setup' });
      return;
    }
    // A page reload keeps no session unless the transport still holds one.
    const me = await call('whoAmI', {});
    if (me.ok) {
      set({
        staff: me.value.staff,
        deskId: me.value.deskId,
        idleLockMinutes: me.value.idleLockMinutes,
        secondFactor: me.value.secondFactor,
        status: me.value.locked ? 'locked' : 'active',
      });
    } else {
      set({ status: 'signed-out', staff: null });
    }
  },

  async refreshDevice() {
    const reply = await call('deviceStatus', {});
    if (reply.ok) set({ device: reply.value });
  },

  async signIn(login, password, code) {
    const reply = await call('signIn', { login, password, ...(code ? { code } : {}) });
    if (!reply.ok) return reply.error;
    // Whoever signs in starts afresh: nothing the previous person kept through a lock.
    endSessionData();
    set({
      status: 'active',
      staff: reply.value.staff,
      deskId: reply.value.deskId,
      idleLockMinutes: reply.value.idleLockMinutes,
      secondFactor: reply.value.secondFactor,
      recoveryCodesLeft: reply.value.recoveryCodesLeft,
    });
    return null;
  },

  async signOut() {
    endSessionData();
    set({ status: 'signed-out', staff: null, deskId: null, secondFactor: 'not-required', recoveryCodesLeft: null });
    await call('signOut', {});
  },

  async lock() {
    if (get().status !== 'active') return;
    // Hide first, then tell the core: the screen must not wait on the round trip. The person's
    // own entries stay (without names) for when they unlock.
    wipePersonalData();
    set({ status: 'locked' });
    await call('lockSession', {});
  },

  async unlock(password, code) {
    const reply = await call('unlockSession', { password, ...(code ? { code } : {}) });
    if (!reply.ok) return reply.error;
    set({ status: 'active' });
    return null;
  },

  secondFactorSet() {
    set({ secondFactor: 'verified' });
  },

  setTransport(down) {
    if (get().transportDown !== down) set({ transportDown: down });
  },
}));

onSessionSignal((signal) => {
  const state = useSession.getState();
  if (signal === 'locked' && state.status === 'active') {
    wipePersonalData();
    useSession.setState({ status: 'locked' });
  } else if (signal === 'signed-out' && (state.status === 'active' || state.status === 'locked')) {
    endSessionData();
    useSession.setState({ status: 'signed-out', staff: null, deskId: null });
  } else if (signal === 'transport-closed') {
    state.setTransport(true);
  }
});
