import { z } from 'zod';
import { noIndividualNumber } from '../../privacy/schema';
import { text } from '../../common/messages';
import {
  createStaff,
  endSession,
  listStaff,
  lockSession,
  setStaffDisabled,
  signIn,
  unlockSession,
} from '../../staff/accounts';
import { ROLES } from '../../staff/roles';
import { NOT_CONFIGURED } from '../../store/settings';
import { defineOperation, refuse } from '../operation';
import { ALL_ROLES, requireOwnPassword, secondFactorCode, sessionOf } from './common';

const staffIdentity = z.object({ id: z.string(), login: z.string(), displayName: z.string(), role: z.enum(ROLES) });
const login = noIndividualNumber(z.string().trim().min(1).max(64));
const password = z.string().min(1).max(256);
/** Where the session stands with the second factor (see SessionSecondFactor). */
export const sessionSecondFactor = z.enum(['not-required', 'verified', 'setup-required']);

export const sessionOperations = {
  signIn: defineOperation({
    summary:
      'Sign in at this desk with a login and password; a supervisor with a second factor adds the code from the authenticator app or a recovery code (asked for with SECOND_FACTOR_REQUIRED).',
    access: { public: true },
    input: z.strictObject({ login, password, code: secondFactorCode.optional() }),
    output: z.object({
      token: z.string(),
      staff: staffIdentity,
      deskId: z.string(),
      idleLockMinutes: z.number(),
      secondFactor: sessionSecondFactor,
      /** Set when a recovery code was used: how many are left. */
      recoveryCodesLeft: z.number().nullable(),
    }),
    handler(input, context) {
      const deskId = context.device.deskId;
      if (!deskId) refuse('NOT_CONFIGURED', NOT_CONFIGURED);
      const result = signIn(context.db, { login: input.login, password: input.password, deskId, secondFactor: input.code }, context.now, context.clock);
      if (!result.ok) {
        // One answer for every refusal; the log keeps why (and whose account, never the login typed for an unknown one).
        context.audit(null, { reason: result.reason }, result.staffId ? { staffId: result.staffId } : undefined);
        // Failed attempts are counted, so the refusal keeps what was written.
        refuse(result.code, result.message, { commit: true });
      }
      context.audit(result.staff.id, result.recoveryCodesLeft === null ? undefined : { recoveryCode: true, recoveryCodesLeft: result.recoveryCodesLeft }, { staffId: result.staff.id });
      return {
        token: result.token,
        staff: result.staff,
        deskId,
        idleLockMinutes: context.device.idleLockMinutes,
        secondFactor: result.secondFactor,
        recoveryCodesLeft: result.recoveryCodesLeft,
      };
    },
  }),

  signOut: defineOperation({
    summary: 'End this session.',
    access: { roles: ALL_ROLES, whileLocked: true },
    input: z.strictObject({}),
    output: z.object({ signedOut: z.literal(true) }),
    handler(_input, context) {
      endSession(context.db, sessionOf(context).tokenHash, context.now);
      return { signedOut: true as const };
    },
  }),

  lockSession: defineOperation({
    summary: 'Lock the screen now (the idle lock): every personal detail is hidden until the password is entered.',
    access: { roles: ALL_ROLES, whileLocked: true },
    input: z.strictObject({}),
    output: z.object({ locked: z.literal(true) }),
    handler(_input, context) {
      lockSession(context.db, sessionOf(context).tokenHash);
      return { locked: true as const };
    },
  }),

  unlockSession: defineOperation({
    summary: 'Unlock an idle-locked session with the same staff member’s password (and a supervisor’s code from the authenticator app).',
    access: { roles: ALL_ROLES, whileLocked: true },
    input: z.strictObject({ password, code: secondFactorCode.optional() }),
    output: z.object({ locked: z.literal(false) }),
    handler(input, context) {
      requireOwnPassword(context, input.password, input.code ?? '');
      unlockSession(context.db, sessionOf(context), context.now, context.clock);
      return { locked: false as const };
    },
  }),

  whoAmI: defineOperation({
    summary: 'The signed-in staff member, the desk, and whether the session is locked.',
    passive: true,
    access: { roles: ALL_ROLES, whileLocked: true },
    input: z.strictObject({}),
    output: z.object({ staff: staffIdentity, deskId: z.string(), locked: z.boolean(), idleLockMinutes: z.number(), secondFactor: sessionSecondFactor }),
    handler(_input, context) {
      const session = sessionOf(context);
      return { staff: session.staff, deskId: session.deskId, locked: session.locked, idleLockMinutes: context.device.idleLockMinutes, secondFactor: session.secondFactor };
    },
  }),

  listStaff: defineOperation({
    summary: 'Staff accounts on this device.',
    passive: true,
    access: { roles: ['supervisor'] },
    input: z.strictObject({}),
    output: z.array(staffIdentity.extend({ disabled: z.boolean(), secondFactorSet: z.boolean() })),
    handler(_input, context) {
      return listStaff(context.db);
    },
  }),

  createStaff: defineOperation({
    summary: 'Add a staff account with its own login and password (shared logins are not allowed).',
    access: { roles: ['supervisor'] },
    input: z.strictObject({
      login: noIndividualNumber(z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9._-]+$/)),
      displayName: noIndividualNumber(z.string().trim().min(1).max(40)),
      role: z.enum(ROLES),
      password: z.string().min(8).max(256),
    }),
    output: staffIdentity,
    handler(input, context) {
      const staff = createStaff(context.db, input, context.now);
      context.audit(staff.id, { role: staff.role });
      return staff;
    },
  }),

  setStaffDisabled: defineOperation({
    summary: 'Disable (staff who leave) or re-enable an account; disabling ends its sessions at once.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ staffId: noIndividualNumber(z.string().min(1).max(64)), disabled: z.boolean() }),
    output: z.object({ staffId: z.string(), disabled: z.boolean() }),
    handler(input, context) {
      if (input.staffId === sessionOf(context).staff.id && input.disabled) {
        refuse('CANNOT_DISABLE_SELF', text('自分のアカウントは無効にできません。', 'You cannot disable your own account.'));
      }
      setStaffDisabled(context.db, input.staffId, input.disabled, context.now);
      context.audit(input.staffId, { disabled: input.disabled });
      return { staffId: input.staffId, disabled: input.disabled };
    },
  }),
};
