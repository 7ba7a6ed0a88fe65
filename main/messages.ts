/** Messages between the main process and the database process. */
import type { VenueEvent } from '../src/api/operation';
import type { Reply } from '../src/api/reply';

export type ShellMessage =
  /** The keys travel as bytes (structured clone), never as text; the database process wipes what it received. */
  | { kind: 'open'; dataDir: string; key: Uint8Array; auditKey: Uint8Array; nativeBinding?: string }
  | { kind: 'call'; id: number; windowId: number; operation: string; input: unknown }
  /** The window is gone: its session ends. */
  | { kind: 'window-closed'; windowId: number }
  /** The app is quitting: stop sync, end sessions, close the database, then say 'closed'. */
  | { kind: 'close' };

export type DatabaseProcessMessage =
  | { kind: 'opened' }
  | { kind: 'failed'; message: { ja: string; en: string } }
  | { kind: 'reply'; id: number; reply: Reply<unknown> }
  | { kind: 'event'; event: VenueEvent }
  | { kind: 'closed' };
