/** The shell's own settings (electron-store): which key vault, the wrapped key, where the data lives. */
import Store from 'electron-store';
import type { WrappedKeyStore } from './keyvault';

export interface ShellSettings {
  /** 'safeStorage' (default) or 'passphrase' (Linux without a keychain; recovery). */
  keyVault: 'safeStorage' | 'passphrase';
  wrappedDatabaseKey?: string;
  /** Folder of the venue database; defaults to the app's userData folder. */
  dataDirectory?: string;
}

export function openShellSettings(): Store<ShellSettings> & WrappedKeyStore {
  const store = new Store<ShellSettings>({
    name: 'shell-settings',
    defaults: { keyVault: 'safeStorage' },
    schema: {
      keyVault: { type: 'string', enum: ['safeStorage', 'passphrase'] },
      wrappedDatabaseKey: { type: 'string' },
      dataDirectory: { type: 'string' },
    },
  });
  return Object.assign(store, {
    getWrappedKey: () => store.get('wrappedDatabaseKey'),
    setWrappedKey: (wrapped: string) => store.set('wrappedDatabaseKey', wrapped),
  });
}
