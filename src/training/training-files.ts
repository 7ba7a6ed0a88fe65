/**
 * Where a training database lives and how its keys are kept. Training mode
 * runs on its own encrypted database in `<data>/training/` (its own file,
 * its own random database key and audit key), never on the real one. The
 * two keys are kept beside it sealed (AES-256-GCM) under a key derived from
 * the real database key, so only this device's app can open it again after a
 * restart, and a copied training folder opens nowhere else. Leaving training
 * removes the folder: the practice records go with it.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const TRAINING_FOLDER = 'training';
const STATE_FILE = 'training.json';

export interface TrainingKeys {
  readonly key: Buffer;
  readonly auditKey: Buffer;
}

const stateSchema = z.object({
  version: z.literal(1),
  startedAt: z.string(),
  people: z.number().int().min(0),
  iv: z.string().regex(/^[0-9a-f]{24}$/),
  tag: z.string().regex(/^[0-9a-f]{32}$/),
  sealed: z.string().regex(/^[0-9a-f]{128}$/),
});

export interface TrainingState {
  readonly startedAt: string;
  /** Generated people added to the demo venue's. */
  readonly people: number;
  readonly keys: TrainingKeys;
}

export function trainingDir(dataDir: string): string {
  return join(dataDir, TRAINING_FOLDER);
}

function sealingKey(realKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', realKey, Buffer.from('venue-training'), Buffer.from('training database keys v1'), 32));
}

/** New random keys for a new training database, sealed beside it; the folder is made afresh. */
export function newTrainingKeys(dataDir: string, realKey: Uint8Array, startedAt: string, people: number): TrainingKeys {
  const dir = trainingDir(dataDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const keys = { key: randomBytes(32), auditKey: randomBytes(32) };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(realKey), iv);
  const sealed = Buffer.concat([cipher.update(Buffer.concat([keys.key, keys.auditKey])), cipher.final()]);
  const state: z.infer<typeof stateSchema> = { version: 1, startedAt, people, iv: iv.toString('hex'), tag: cipher.getAuthTag().toString('hex'), sealed: sealed.toString('hex') };
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(state), { mode: 0o600 });
  return keys;
}

/**
 * The training under way in this data folder, or null: none, or one that
 * cannot be opened with this real key (left by another installation, or
 * damaged), which is then removed.
 */
export function readTrainingState(dataDir: string, realKey: Uint8Array): TrainingState | null {
  const file = join(trainingDir(dataDir), STATE_FILE);
  if (!existsSync(file)) {
    removeTraining(dataDir);
    return null;
  }
  try {
    const state = stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(realKey), Buffer.from(state.iv, 'hex'));
    decipher.setAuthTag(Buffer.from(state.tag, 'hex'));
    const both = Buffer.concat([decipher.update(Buffer.from(state.sealed, 'hex')), decipher.final()]);
    return { startedAt: state.startedAt, people: state.people, keys: { key: both.subarray(0, 32), auditKey: both.subarray(32, 64) } };
  } catch {
    removeTraining(dataDir);
    return null;
  }
}

/** Leaving training: the training database, its keys and everything recorded in it are removed. */
export function removeTraining(dataDir: string): void {
  rmSync(trainingDir(dataDir), { recursive: true, force: true });
}
