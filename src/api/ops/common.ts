import { text } from '../../common/messages';
import type { ActiveSession } from '../../staff/accounts';
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
