import { m001Initial } from './001-initial';
import { m003WalkIns } from './003-walk-ins';
import { m004Day } from './004-day';
import { m005Sync } from './005-sync';
import { m006DaySync } from './006-day-sync';
import { m007LateRecords } from './007-late-records';
import { m008LotAliases } from './008-lot-aliases';
import { m009AuditKey } from './009-audit-key';
import { m010ReaderHealth } from './010-reader-health';
import { m011NoWrongRecord } from './011-no-wrong-record';
import { m012Reconcile } from './012-reconcile';
import { m013SecondFactor } from './013-second-factor';

import type { Migration } from './migration';

export type { Migration } from './migration';

/**
 * Every migration the app knows, oldest first. Append only: never edit a
 * shipped one. Versions only need to increase (2 was never used: sync came
 * in as 5, after 3 and 4 had been committed; 12 came before 9–11, which
 * were being written on other branches).
 */
export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m003WalkIns,
  m004Day,
  m005Sync,
  m006DaySync,
  m007LateRecords,
  m008LotAliases,
  m009AuditKey,
  m010ReaderHealth,
  m011NoWrongRecord,
  m012Reconcile,
  m013SecondFactor,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
