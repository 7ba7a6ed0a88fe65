/** What the bench and the host runner (host-runner.ts) say to each other over the IPC channel. */

export type HostRequest =
  | { readonly id: number; readonly type: 'stats' }
  /** A full GC (the runner runs with --expose-gc), then the stats. */
  | { readonly id: number; readonly type: 'gc' }
  /** Moves the host's clock on by `ms` of simulated time. */
  | { readonly id: number; readonly type: 'advance'; readonly ms: number }
  | { readonly id: number; readonly type: 'people' }
  | { readonly id: number; readonly type: 'stop' };

/** Bytes, from process.memoryUsage() and v8.getHeapStatistics(). */
export interface HostMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly mallocedMemory: number;
  /** Log lines the host has written so far (the runner does not keep them). */
  readonly logLines: number;
}

export type HostAnswer =
  | { readonly id: number; readonly type: 'stats'; readonly memory: HostMemory }
  | { readonly id: number; readonly type: 'clock'; readonly offsetMs: number }
  | { readonly id: number; readonly type: 'people'; readonly people: number }
  | { readonly id: number; readonly type: 'stopped' };

/** `failed` with an id answers that request; without one, the host could not start. */
export type HostMessage = HostAnswer | { readonly type: 'ready'; readonly url: string } | { readonly type: 'failed'; readonly id?: number; readonly message: string };
