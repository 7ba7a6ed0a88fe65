import { text } from '../common/messages';
import type { VenueDb } from './database';

/** The settings key under which the audit log keeps its head (src/audit/log.ts); backups carry it over. */
export const AUDIT_HEAD_SETTING = 'audit_head';

/**
 * What this device is: which venue and desk, which municipality's tickets it
 * serves. Kept in the encrypted database so it travels with the data.
 */
export interface DeviceSettings {
  readonly deviceId: string | null;
  readonly venueId: string | null;
  readonly deskId: string | null;
  /** Completes 10-digit NW-7 reads. */
  readonly defaultMunicipality: string | null;
  /** Municipalities whose roster this venue holds; others get OTHER_MUNICIPALITY. */
  readonly servedMunicipalities: readonly string[];
  readonly idleLockMinutes: number;
  /**
   * A training database (src/training): made-up people and staff. Set when it
   * is made, never on a real one; what must never happen in training (sync,
   * VRS export, backups and restores) is refused on it.
   */
  readonly training: boolean;
}

const DEFAULTS: DeviceSettings = {
  deviceId: null,
  venueId: null,
  deskId: null,
  defaultMunicipality: null,
  servedMunicipalities: [],
  idleLockMinutes: 5,
  training: false,
};

const KEY = 'device';

export function readDeviceSettings(db: VenueDb): DeviceSettings {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(KEY) as { value: string } | undefined;
  return row ? { ...DEFAULTS, ...(JSON.parse(row.value) as Partial<DeviceSettings>) } : DEFAULTS;
}

export function writeDeviceSettings(db: VenueDb, patch: Partial<DeviceSettings>): DeviceSettings {
  const next = { ...readDeviceSettings(db), ...patch };
  db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(KEY, JSON.stringify(next));
  return next;
}

export function readSetting(db: VenueDb, key: string): string | null {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function writeSetting(db: VenueDb, key: string, value: string): void {
  db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(key, value);
}

export const NOT_CONFIGURED = text(
  'この端末の会場・受付台が設定されていません。管理者が設定画面で設定してください。',
  'This device has no venue or desk yet. A supervisor must set them in Settings.',
);
