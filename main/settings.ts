/** The shell's own settings (electron-store): which key vault, the wrapped key, where the data lives. */
import Store from 'electron-store';
import type { VaultKeyName, WrappedKeyStore } from './keyvault';

export interface ShellSettings {
  /** 'safeStorage' (default) or 'passphrase' (Linux without a keychain; recovery). */
  keyVault: 'safeStorage' | 'passphrase';
  wrappedDatabaseKey?: string;
  /** The audit chain's key, wrapped the same way (made on first use). */
  wrappedAuditKey?: string;
  /** Folder of the venue database; defaults to the app's userData folder. */
  dataDirectory?: string;
}

const SETTING = { database: 'wrappedDatabaseKey', audit: 'wrappedAuditKey' } as const satisfies Record<VaultKeyName, keyof ShellSettings>;

export function openShellSettings(): Store<ShellSettings> & WrappedKeyStore {
  const store = new Store<ShellSettings>({
    name: 'shell-settings',
    defaults: { keyVault: 'safeStorage' },
    schema: {
      keyVault: { type: 'string', enum: ['safeStorage', 'passphrase'] },
      wrappedDatabaseKey: { type: 'string' },
      wrappedAuditKey: { type: 'string' },
      dataDirectory: { type: 'string' },
    },
  });
  return Object.assign(store, {
    getWrappedKey: (name: VaultKeyName) => store.get(SETTING[name]),
    setWrappedKey: (name: VaultKeyName, wrapped: string) => store.set(SETTING[name], wrapped),
  });
}
