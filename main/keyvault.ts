/**
 * The database key and the audit key, each wrapped with the operating
 * system's keychain through Electron safeStorage and kept with the app's
 * settings (electron-store). Each key is made once: 32 random bytes. On Linux, safeStorage may fall back
 * to a hard-coded password ("basic_text"), which protects nothing; that is
 * refused unless the supervisor chose the passphrase vault instead.
 */
import { randomBytes } from 'node:crypto';
import type { SafeStorage } from 'electron';
import { text } from '../src/common/messages';
import { DATABASE_KEY_BYTES, KeyVaultError, type KeyVault } from '../src/store/keyvault';

/** The two keys the vault keeps: the database's, and the audit chain's (src/store/keyvault.ts). */
export type VaultKeyName = 'database' | 'audit';

export interface WrappedKeyStore {
  getWrappedKey(name: VaultKeyName): string | undefined;
  setWrappedKey(name: VaultKeyName, wrapped: string): void;
}

export class SafeStorageKeyVault implements KeyVault {
  readonly description = 'operating-system keychain (Electron safeStorage)';

  constructor(
    private readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>,
    private readonly store: WrappedKeyStore,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  getOrCreateKey(): Promise<Buffer> {
    return this.getOrCreate('database');
  }

  getOrCreateAuditKey(): Promise<Buffer> {
    return this.getOrCreate('audit');
  }

  private async getOrCreate(name: VaultKeyName): Promise<Buffer> {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new KeyVaultError(
        'KEYCHAIN_UNAVAILABLE',
        text(
          'OSの鍵保管庫が使えません。管理者が設定でパスフレーズ方式を選んでください。',
          'The operating system keychain is not available. A supervisor must choose the passphrase vault in the settings.',
        ),
      );
    }
    if (this.platform === 'linux' && this.safeStorage.getSelectedStorageBackend() === 'basic_text') {
      throw new KeyVaultError(
        'WEAK_KEYCHAIN',
        text(
          'このLinuxには安全な鍵保管庫（GNOME Keyring / KWallet）がありません。鍵保管庫を設定するか、パスフレーズ方式を選んでください。',
          'This Linux desktop has no secure keychain (GNOME Keyring or KWallet). Set one up, or choose the passphrase vault.',
        ),
      );
    }
    const wrapped = this.store.getWrappedKey(name);
    if (wrapped) {
      const key = Buffer.from(this.safeStorage.decryptString(Buffer.from(wrapped, 'base64')), 'hex');
      if (key.length !== DATABASE_KEY_BYTES) {
        throw new KeyVaultError('VAULT_DAMAGED', text('保存された鍵が壊れています。管理者に連絡してください。', 'The stored key is damaged. Call the supervisor.'));
      }
      return key;
    }
    const key = randomBytes(DATABASE_KEY_BYTES);
    this.store.setWrappedKey(name, this.safeStorage.encryptString(key.toString('hex')).toString('base64'));
    return key;
  }
}
