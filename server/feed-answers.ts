import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/**
 * How long-poll answers leave the process: pages shared by the desks of a
 * venue at one cursor, encoded and gzipped once; and sent at a steady pace,
 * a few dozen every 10 ms up to a rate per second, so that a wake of a
 * thousand desks (and the thousand requests they send straight back) never
 * holds the event loop: an upload's queries go on in between.
 */

/** Pages under this size go as they are: gzip would save little. */
export const GZIP_FROM_BYTES = 2_048;
export const gzipAsync = promisify(gzip);

/** One page for every desk of a venue at the same cursor: its bytes, gzipped (on the thread pool) once if any of them wants it so. */
export class SharedPage {
  private packed: Promise<Buffer> | null = null;
  readonly bytes: Buffer | null;

  constructor(
    json: Buffer,
    readonly changes: number,
    /** The cursor after this page. */
    readonly next: number,
    /** When the process heard of its earliest change (performance.now()). */
    readonly noticedAt: number,
  ) {
    this.bytes = changes > 0 ? json : null;
  }

  get worthGzip(): boolean {
    return (this.bytes?.length ?? 0) >= GZIP_FROM_BYTES;
  }

  /** The answer for a request: gzipped if it accepts it and it is worth it. */
  async body(acceptsGzip: boolean): Promise<{ json: Buffer; gzip?: boolean; next: number }> {
    if (!this.bytes) throw new Error('an empty page is not sent');
    if (!acceptsGzip || !this.worthGzip) return { json: this.bytes, next: this.next };
    // Level 1: most of the saving for a fraction of the time (the person records repeat their field names).
    this.packed ??= gzipAsync(this.bytes, { level: 1 });
    return { json: await this.packed, gzip: true, next: this.next };
  }
}

const TICK_MS = 10;

export class AnswerPacer {
  private readonly queue: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly perTick: number;

  constructor(perSecond: number) {
    this.perTick = Math.max(1, Math.round((perSecond * TICK_MS) / 1000));
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Runs `send` in its turn (the first of a quiet spell at once). */
  send(send: () => void): void {
    this.queue.push(send);
    if (!this.timer) this.tick();
  }

  private tick(): void {
    this.timer = null;
    for (const send of this.queue.splice(0, this.perTick)) send();
    if (this.queue.length > 0) this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  /** Sends everything still queued at once (the service is stopping). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const send of this.queue.splice(0)) send();
  }
}
