/**
 * The reader's health at each desk (issue 18): what the desks report of
 * their camera and scanner, summed per desk and day, for supervisors to see
 * live and in the day report: a desk with a bad camera or bad light shows
 * the same morning (many failed sights, slow cards, misreads refused).
 * Counts and times only: nothing read is ever stored here.
 */
import type { VenueDb } from '../store/database';

/** 0.1 s buckets up to 10 s; the last one holds everything slower. */
export const BUCKET_MS = 100;
export const BUCKETS = 101;

export interface HealthReport {
  readonly attempts: number;
  readonly misreadsRefused: number;
  readonly failedSights: number;
  /** Ticket entering the camera's view → its card, milliseconds. */
  readonly toCardMs: readonly number[];
}

export interface DeskHealth {
  readonly deskId: string;
  readonly attempts: number;
  readonly misreadsRefused: number;
  readonly failedSights: number;
  readonly cards: number;
  /** Seconds from entering view to card (bucket upper bounds: to 0.1 s). */
  readonly medianSeconds: number | null;
  readonly p95Seconds: number | null;
  readonly updatedAt: string;
}

function bucketOf(ms: number): number {
  return Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
}

function parseHistogram(json: string): number[] {
  const out = new Array<number>(BUCKETS).fill(0);
  try {
    const saved = JSON.parse(json) as unknown;
    if (Array.isArray(saved)) saved.forEach((n, i) => i < BUCKETS && typeof n === 'number' && Number.isFinite(n) && (out[i] = n));
  } catch {
    // A damaged histogram starts again from zero rather than failing the report.
  }
  return out;
}

/** Adds one desk's report to its row for the day. */
export function addHealthReport(db: VenueDb, day: string, deskId: string, report: HealthReport, at: string): void {
  const row = db.prepare(`SELECT to_card_hist AS hist FROM reader_health WHERE day = ? AND desk_id = ?`).get(day, deskId) as { hist: string } | undefined;
  const histogram = parseHistogram(row?.hist ?? '[]');
  for (const ms of report.toCardMs) histogram[bucketOf(ms)]! += 1;
  db.prepare(
    `INSERT INTO reader_health (day, desk_id, attempts, misreads, failed_sights, to_card_hist, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, desk_id) DO UPDATE SET attempts = attempts + excluded.attempts, misreads = misreads + excluded.misreads,
       failed_sights = failed_sights + excluded.failed_sights, to_card_hist = excluded.to_card_hist, updated_at = excluded.updated_at`,
  ).run(day, deskId, report.attempts, report.misreadsRefused, report.failedSights, JSON.stringify(histogram), at);
}

function quantileSeconds(histogram: readonly number[], share: number): number | null {
  const total = histogram.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= share * total) return ((i + 1) * BUCKET_MS) / 1000;
  }
  return (BUCKETS * BUCKET_MS) / 1000;
}

/** Every desk that reported on `day`, by desk id. */
export function readerHealthOf(db: VenueDb, day: string): DeskHealth[] {
  const rows = db
    .prepare(`SELECT desk_id AS deskId, attempts, misreads, failed_sights AS failedSights, to_card_hist AS hist, updated_at AS updatedAt FROM reader_health WHERE day = ? ORDER BY desk_id`)
    .all(day) as { deskId: string; attempts: number; misreads: number; failedSights: number; hist: string; updatedAt: string }[];
  return rows.map((r) => {
    const histogram = parseHistogram(r.hist);
    return {
      deskId: r.deskId,
      attempts: r.attempts,
      misreadsRefused: r.misreads,
      failedSights: r.failedSights,
      cards: histogram.reduce((s, n) => s + n, 0),
      medianSeconds: quantileSeconds(histogram, 0.5),
      p95Seconds: quantileSeconds(histogram, 0.95),
      updatedAt: r.updatedAt,
    };
  });
}
