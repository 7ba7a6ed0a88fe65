import type { z } from 'zod';
import type { Operation } from './operation';
import { adminOperations } from './ops/admin';
import { backupOperations } from './ops/backup';
import { checkinOperations } from './ops/checkin';
import { dayOperations } from './ops/day';
import { healthOperations } from './ops/health';
import { dayCloseOperations } from './ops/day-close';
import { deviceOperations } from './ops/device';
import { diskOperations } from './ops/disk';
import { doseOperations } from './ops/doses';
import { secondFactorOperations } from './ops/second-factor';
import { sessionOperations } from './ops/session';
import { trainingOperations } from './ops/training';
import { syncOperations } from './ops/sync';
import { walkInOperations } from './ops/walkin';

/**
 * The contract: every operation the UI can ask for, one entry each. The
 * dispatcher runs nothing else; the preload exposes exactly these names.
 */
export const operations = {
  ...sessionOperations,
  ...secondFactorOperations,
  ...trainingOperations,
  ...deviceOperations,
  ...checkinOperations,
  ...doseOperations,
  ...adminOperations,
  ...walkInOperations,
  ...dayOperations,
  ...dayCloseOperations,
  ...backupOperations,
  ...diskOperations,
  ...syncOperations,
  ...healthOperations,
} satisfies Record<string, Operation>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
export type OutputOf<N extends OperationName> = z.output<Operations[N]['output']>;
