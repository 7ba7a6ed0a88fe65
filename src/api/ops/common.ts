import { text } from '../../common/messages';
import { ACCOUNT_LOCKED, checkOwnPassword, type ActiveSession } from '../../staff/accounts';
import { NOT_CONFIGURED } from '../../store/settings';
import { refuse, type HandlerContext } from '../operation';

export const ALL_ROLES = ['reception', 'nurse', 'supervisor'] as const;

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
 * confirming a restore). A wrong one counts toward the account's lock-out,
 * so the refusal keeps what was written.
 */
export function requireOwnPassword(context: HandlerContext, password: string): void {
  switch (checkOwnPassword(context.db, sessionOf(context), password, context.now, context.clock)) {
    case 'ok':
      return;
    case 'wrong':
      return refuse('WRONG_CREDENTIALS', text('パスワードが違います。', 'The password is wrong.'), { commit: true });
    case 'locked':
      return refuse('ACCOUNT_LOCKED', ACCOUNT_LOCKED, { commit: true });
  }
}
