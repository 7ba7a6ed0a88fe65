import http from 'node:http';
import { uuidv7 } from '../../../src/common/ids';
import type { UploadRecord } from '../../../src/sync/protocol';
import { percentile, round } from '../stats';
import type { VenuePlan } from './seed';

/**
 * The uploading desks of the central bench: one per venue, all at once,
 * each sending its doses back to back (a desk's backlog) in batches of the
 * given size, as the device's sync service does: a 429 is waited out for
 * its Retry-After (plus jitter) and the batch sent again.
 */
export interface UploadPhase {
  readonly batchSize: number;
  readonly doses: number;
  readonly requests: number;
  readonly seconds: number;
  readonly dosesPerSecond: number;
  /** Answered requests (200), ms. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Each desk's first request (all sent at the same instant, at the start of the phase) apart from the rest: its slowest, and the p99 of the rest. */
  readonly firstMaxMs: number;
  readonly restP99Ms: number;
  /** 429 answers (sent again after Retry-After). */
  readonly turnedAway: number;
  /** Answers slower than a device's 5 s request timeout (a device would have given up and sent again). */
  readonly overDeviceTimeout: number;
  readonly errors: number;
  /** Tracked doses (ids ending in 0): when the request that stored them was sent (ms since the epoch). */
  readonly sentAt: ReadonlyMap<string, { at: number; venue: string }>;
  /** Every dose id sent, for the count of what the database holds. */
  readonly ids: readonly string[];
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function dose(venue: VenuePlan, ticketNumber: string): UploadRecord {
  return {
    kind: 'dose',
    data: {
      id: uuidv7(), municipality: venue.municipality, ticketNumber, doseNumber: 1, status: 'performed', reason: null,
      givenAt: '2026-11-23T10:05:00.000+09:00', venueDate: '2026-11-23', venueId: venue.venue, deskId: 'R1',
      productId: 'PFZ-COMIRNATY', productName: 'コミナティ筋注', maker: 'ファイザー', lotId: 'lot-1', lotNumber: 'FA1234', expiry: '2027-06-30',
      volumeMl: 0.3, site: 'left_arm', nurseId: 'nurse-1', doctor: '医師 一郎', checkinId: null, recordedAt: '2026-11-23T10:05:30.000+09:00', replaces: null,
      observationMinutes: 15,
    },
  };
}

function post(url: string, authorization: string, body: string, agent: http.Agent): Promise<{ status: number; retryAfter: number; body: string }> {
  const target = new URL('/v1/records', url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        method: 'POST', host: target.hostname, port: target.port, path: target.pathname, agent,
        headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: Number(response.headers['retry-after'] ?? 0), body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.setTimeout(120_000, () => request.destroy(new Error('timeout')));
    request.end(body);
  });
}

/**
 * Every venue's desk uploads `perDesk` doses (tickets from `first` on) in
 * batches of `batchSize`, all desks at once; desk i talks to urls[i % urls.length]
 * (a load balancer keeping each desk's connection on one process).
 */
export async function uploadPhase(venues: readonly VenuePlan[], urls: readonly string[], options: { batchSize: number; perDesk: number; first: number }): Promise<UploadPhase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const latencies: number[] = [];
  const firsts: number[] = [];
  const rest: number[] = [];
  const sentAt = new Map<string, { at: number; venue: string }>();
  const ids: string[] = [];
  let requests = 0;
  let turnedAway = 0;
  let errors = 0;
  const started = now();
  await Promise.all(
    venues.map(async (venue, i) => {
      const url = urls[i % urls.length] as string;
      for (let k = 0; k < options.perDesk; k += options.batchSize) {
        const records = venue.tickets.slice(options.first + k, options.first + Math.min(options.perDesk, k + options.batchSize)).map((t) => dose(venue, t));
        ids.push(...records.map((r) => r.data.id));
        const body = JSON.stringify({ records });
        for (let attempt = 0; ; attempt++) {
          const sent = now();
          try {
            const answer = await post(url, venue.uploader.authorization, body, agent);
            requests += 1;
            if (answer.status === 200) {
              latencies.push(now() - sent);
              (k === 0 ? firsts : rest).push(now() - sent);
              for (const r of records) if (r.data.id.endsWith('0')) sentAt.set(r.data.id, { at: sent, venue: venue.venue });
              break;
            }
            if (answer.status === 429) {
              turnedAway += 1;
              await sleep(answer.retryAfter * 1000 + Math.random() * 1000);
            } else {
              errors += 1;
              await sleep(500);
            }
          } catch {
            errors += 1;
            await sleep(500);
          }
          if (attempt > 50) throw new Error('an upload kept failing');
        }
      }
    }),
  );
  const seconds = (now() - started) / 1000;
  agent.destroy();
  const doses = venues.length * options.perDesk;
  return {
    batchSize: options.batchSize,
    doses,
    requests,
    seconds: round(seconds, 2),
    dosesPerSecond: Math.round(doses / seconds),
    p50Ms: round(percentile(latencies, 50), 1),
    p95Ms: round(percentile(latencies, 95), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(Math.max(...latencies), 1),
    firstMaxMs: round(Math.max(...firsts), 1),
    restP99Ms: rest.length > 0 ? round(percentile(rest, 99), 1) : Number.NaN,
    turnedAway,
    overDeviceTimeout: latencies.filter((ms) => ms > 5_000).length,
    errors,
    sentAt,
    ids,
  };
}
