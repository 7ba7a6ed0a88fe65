import type { FeedRing, RingLimits } from './feed-ring';

/** The options, requests, answers and counters of the long-poll watch (feed-watch.ts). */
export interface FeedWatchOptions {
  readonly fanoutPerSecond?: number;
  readonly minReadIntervalMs?: number;
  readonly maxReadIntervalMs?: number;
  readonly fallbackIntervalMs?: number;
  /** Rows per wake read: the most a wake holds in memory at once besides the ring. */
  readonly readRows?: number;
  readonly ring?: RingLimits;
  /** All rings together; the least recently used go first beyond it. */
  readonly maxRingBytes?: number;
  /** Largest page a long-poll gets, from memory or from its own read (beyond it: `more`, and the device reads on). */
  readonly pageBytes?: number;
}

export const DEFAULTS = {
  fanoutPerSecond: 2_000,
  minReadIntervalMs: 0,
  maxReadIntervalMs: 500,
  fallbackIntervalMs: 1_000,
  readRows: 500,
  // Entries are kept as UTF-8 bytes (about 600 a change): the bytes bound first, at some 14,000 changes, several seconds of a busy municipality's backlogs, so a desk a little behind is still answered from memory.
  ring: { maxEntries: 20_000, maxBytes: 8 * 1024 * 1024 },
  maxRingBytes: 128 * 1024 * 1024,
  pageBytes: 1024 * 1024,
} as const satisfies Required<FeedWatchOptions>;

export interface PollRequest {
  readonly municipality: string;
  readonly venueId: string;
  readonly deviceId: string;
  readonly after: number;
  readonly limit: number;
  /** A counted page (remaining): read from the database every time. */
  readonly count: boolean;
  /** The device accepts a gzipped answer. */
  readonly gzip: boolean;
  readonly waitMs: number;
  readonly signal: AbortSignal;
}

/**
 * The page to send (as JSON text, or as bytes when one page goes to many
 * requests: encoded, and gzipped for those that accept it, once), 'revoked'
 * (the device was revoked while it waited), or null (the request went away).
 */
export type PollAnswer = { readonly json: string | Buffer; readonly gzip?: boolean; /** The cursor the page hands the device. */ readonly next: number } | 'revoked' | null;

/** Counters, for the benchmark and the log. */
export interface FeedWatchStats {
  notifies: number;
  /** Reads of a municipality's new entries, each answering all its waiting long-polls. */
  wakeReads: number;
  /** Reads by one long-poll for itself (no ring covered it). */
  ownReads: number;
  answeredFromWake: number;
  answeredFromRing: number;
  answeredFromOwnRead: number;
  deadlines: number;
  listenLost: number;
  listening: boolean;
  waiting: number;
  ringBytes: number;
  /** Entries held in all rings now. */
  ringEntries: number;
  /** The most answers ever waiting their turn in the answer pacer at once. */
  answersQueuedMax: number;
}

export interface Waiter {
  readonly request: PollRequest;
  /** When it reached the watch (performance.now()). */
  readonly arrivedAt: number;
  /** Nothing this device may see lies in (after, scanned]; null while its own read runs. */
  scanned: number | null;
  head: number;
  /** The municipality's notice count when it registered. */
  readonly generation: number;
  /** The deadline passed while its own read ran: answer with that read, whatever it found. */
  expired: boolean;
  /** Its answer is decided and waits its turn to be sent (answer-pacer). */
  queued: boolean;
  finish(answer: PollAnswer | Error): void;
}

export interface Municipality {
  readonly code: string;
  readonly waiters: Set<Waiter>;
  ring: FeedRing | null;
  /** The LISTEN epoch the ring was read in: trusted only while it is still the current one. */
  ringEpoch: number;
  reading: boolean;
  wanted: boolean;
  timer: NodeJS.Timeout | null;
  lastReadAt: number;
  lastUsedAt: number;
  generation: number;
  /** The last read stopped at readRows: there is more after the ring's top. */
  behind: boolean;
  /** The first notice since the last read began (performance.now()), or null. */
  noticedAt: number | null;
}

