/**
 * Back-pressure for uploads. At most `concurrency` uploads store at once in
 * a process (each holds a pooled connection); the rest wait their turn in
 * order, but never longer than `maxWaitMs`: an upload that would wait longer
 * (judged from the queue and how long uploads take lately) is turned away at
 * once with "busy, try again in N seconds" (HTTP 429 with Retry-After), and
 * one that has waited that long is turned away then. A device's request
 * times out after 5 s and is retried into the same queue; answering 429 well
 * before that keeps the queue from growing past what the database can do.
 */
export interface UploadGateOptions {
  readonly concurrency?: number;
  readonly maxWaitMs?: number;
  readonly maxQueue?: number;
}

export class ServerBusy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`the central service is busy: try again in ${retryAfterSeconds} s`);
    this.name = 'ServerBusy';
  }
}

export interface UploadGateStats {
  admitted: number;
  turnedAway: number;
  running: number;
  queued: number;
  /** Recent time an upload takes once its turn comes (moving average). */
  serviceMs: number;
}

interface Queued {
  readonly start: () => void;
  readonly timer: NodeJS.Timeout;
}

export class UploadGate {
  private readonly concurrency: number;
  private readonly maxWaitMs: number;
  private readonly maxQueue: number;
  private readonly queue: Queued[] = [];
  readonly stats: UploadGateStats = { admitted: 0, turnedAway: 0, running: 0, queued: 0, serviceMs: 50 };

  constructor(options: UploadGateOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxWaitMs = options.maxWaitMs ?? 2_000;
    this.maxQueue = options.maxQueue ?? 500;
  }

  /** How long a new upload would wait for its turn now, judged from the queue. */
  private expectedWaitMs(): number {
    return ((this.queue.length + 1) * this.stats.serviceMs) / this.concurrency;
  }

  private busy(): ServerBusy {
    this.stats.turnedAway += 1;
    // Seconds, as Retry-After wants them: about as long as the queue ahead needs, at least one.
    return new ServerBusy(Math.min(30, Math.max(1, Math.ceil(this.expectedWaitMs() / 1000))));
  }

  /** Runs the upload when its turn comes; throws ServerBusy instead of waiting past maxWaitMs. */
  async run<T>(upload: () => Promise<T>): Promise<T> {
    if (this.stats.running < this.concurrency) this.stats.running += 1;
    else {
      if (this.queue.length >= this.maxQueue || this.expectedWaitMs() > this.maxWaitMs) throw this.busy();
      // Resolved by a finishing upload, which hands its slot over (running stays counted).
      await new Promise<void>((resolve, reject) => {
        const entry: Queued = {
          start: () => {
            clearTimeout(entry.timer);
            resolve();
          },
          timer: setTimeout(() => {
            const at = this.queue.indexOf(entry);
            if (at >= 0) this.queue.splice(at, 1);
            this.stats.queued = this.queue.length;
            reject(this.busy());
          }, this.maxWaitMs),
        };
        this.queue.push(entry);
        this.stats.queued = this.queue.length;
      });
    }
    this.stats.admitted += 1;
    const started = performance.now();
    try {
      return await upload();
    } finally {
      this.stats.serviceMs = 0.8 * this.stats.serviceMs + 0.2 * (performance.now() - started);
      const next = this.queue.shift();
      this.stats.queued = this.queue.length;
      if (next) next.start();
      else this.stats.running -= 1;
    }
  }
}
