/** Messages between the main process and the database process. */
import type { VenueEvent } from '../src/api/operation';
import type { Reply } from '../src/api/reply';

export type ShellMessage =
  | { kind: 'open'; dataDir: string; keyHex: string; auditKeyHex: string; nativeBinding?: string }
  | { kind: 'call'; id: number; windowId: number; operation: string; input: unknown }
  | { kind: 'window-closed'; windowId: number };

export type DatabaseProcessMessage =
  | { kind: 'opened' }
  | { kind: 'failed'; message: { ja: string; en: string } }
  | { kind: 'reply'; id: number; reply: Reply<unknown> }
  | { kind: 'event'; event: VenueEvent };
