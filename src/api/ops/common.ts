import { z } from 'zod';
import { text } from '../../common/messages';
import { SECOND_FACTOR_INPUT } from '../../staff/second-factor';
import { ACCOUNT_LOCKED, checkOwnPassword, SECOND_FACTOR_REQUIRED, WRONG_CODE, type ActiveSession } from '../../staff/accounts';
import { NOT_CONFIGURED } from '../../store/settings';
import { refuse, type HandlerContext } from '../operation';

export const ALL_ROLES = ['reception', 'nurse', 'supervisor'] as const;

/** A code from the authenticator app (6 digits) or a recovery code (XXXXX-XXXXX): a format no individual number fits. */
export const secondFactorCode = z.string().max(24).regex(SECOND_FACTOR_INPUT, 'a 6-digit code or a recovery code');

/** The session of a non-public operation: the dispatcher guarantees it. */
export function sessionOf(context: HandlerContext): ActiveSession {
  if (!context.session) refuse('NOT_SIGNED_IN', text('ログインしてください。', 'Please sign in.'));
  return context.session;
}

/** The venue this device serves; refused until a supervisor has set it. */
export function venueOf(context: HandlerContext): string {
  if (!context.device.venueId) refuse('NOT_CONFIGURED', NOT_CONFIGURED);
  return context.device.venueId;
}

/**
 * The signed-in person's own password, asked again (unlocking the screen,
 * confirming a restore), and for unlocking a supervisor's session the code
 * from the authenticator app as well (`secondFactor` given). A wrong one
 * counts toward the account's lock-out, so the refusal keeps what was written.
 */
export function requireOwnPassword(context: HandlerContext, password: string, secondFactor?: string): void {
  switch (checkOwnPassword(context.db, sessionOf(context), password, context.now, context.clock, secondFactor)) {
    case 'ok':
      return;
    case 'wrong':
      return refuse('WRONG_CREDENTIALS', text('パスワードが違います。', 'The password is wrong.'), { commit: true });
    case 'locked':
      return refuse('ACCOUNT_LOCKED', ACCOUNT_LOCKED, { commit: true });
    case 'code-required':
      return refuse('SECOND_FACTOR_REQUIRED', SECOND_FACTOR_REQUIRED);
    case 'wrong-code':
      return refuse('WRONG_CODE', WRONG_CODE, { commit: true });
  }
}
