import { describe, expect, it } from 'vitest';
import type { OutputOf } from '../../../src/api/contract';
import { toSyncView } from './sync';

/** The core's answer, typed by the contract: a change to syncStatus's output breaks this test at compile time. */
type SyncStatusAnswer = OutputOf<'syncStatus'>;

describe('the sync bar reads the status answer', () => {
  const status = {
    enrolled: true,
    serverUrl: 'http://127.0.0.1:8080',
    deviceId: 'd1',
    fingerprint: null,
    online: true,
    lastSuccessAt: '2026-11-23T09:30:00+09:00',
    lastError: null,
    records: { pending: 1, sent: 1, confirmed: 40, rejected: 0 },
    conflicts: { open: 1, resolved: 3 },
    download: { active: false, done: 1000, total: 1000, startedAt: null, finishedAt: null },
    clock: null,
  } satisfies SyncStatusAnswer;

  it('reads counts, time and state from syncStatus', () => {
    expect(toSyncView(status)).toMatchObject({ configured: true, online: true, pending: 2, confirmed: 40, conflicts: 1, download: null, central: 'http://127.0.0.1:8080' });
  });

  it('shows a download in progress as a fraction', () => {
    expect(toSyncView({ ...status, download: { active: true, done: 250, total: 1000, startedAt: '2026-11-23T09:29:00+09:00', finishedAt: null } } satisfies SyncStatusAnswer).download).toEqual({ done: 250, total: 1000 });
  });

  it('carries the last error in words', () => {
    const view = toSyncView({ ...status, online: false, lastError: { code: 'NETWORK', at: null, message: { ja: '接続できません', en: 'Cannot connect' } } });
    expect(view.lastError).toEqual({ ja: '接続できません', en: 'Cannot connect' });
  });

  it('warns of a desk clock off by more than the limit, either way, and counts records refused centrally', () => {
    expect(toSyncView({ ...status, clock: { offsetMs: 90_000, checkedAt: '2026-11-23T09:30:00+09:00', warning: false } } satisfies SyncStatusAnswer).clockOffMs).toBeNull();
    expect(toSyncView({ ...status, clock: { offsetMs: 3 * 86_400_000, checkedAt: '2026-11-23T09:30:00+09:00', warning: true } } satisfies SyncStatusAnswer).clockOffMs).toBe(3 * 86_400_000);
    expect(toSyncView({ ...status, clock: { offsetMs: -180_000, checkedAt: '2026-11-23T09:30:00+09:00', warning: true } } satisfies SyncStatusAnswer).clockOffMs).toBe(-180_000);
    expect(toSyncView({ ...status, records: { ...status.records, rejected: 2 } } satisfies SyncStatusAnswer).rejected).toBe(2);
  });

  it('treats anything it cannot read as no sync at all rather than failing', () => {
    expect(toSyncView(null)).toMatchObject({ configured: false, pending: 0, conflicts: 0 });
  });
});
