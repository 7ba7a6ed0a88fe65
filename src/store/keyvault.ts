import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { text, type StaffText } from '../common/messages';
import { writeFileAtomic } from './files';

/** The database key is 32 random bytes; how it is kept depends on the platform. */
export const DATABASE_KEY_BYTES = 32;

/**
 * Where the database key lives. In the Electron app it is wrapped with the OS
 * keychain (safeStorage, see main/); headless hosts, tests and recovery use
 * the passphrase vault below. Either way the key itself is random: the
 * passphrase only wraps it, so the hot path never runs a key derivation.
 */
export interface KeyVault {
  /** Words for logs and settings screens, never the key. */
  readonly description: string;
  /** The key, made and stored on first use. */
  getOrCreateKey(): Promise<Buffer>;
}

export type KeyVaultErrorCode = 'WRONG_PASSPHRASE' | 'VAULT_DAMAGED' | 'WEAK_PASSPHRASE' | 'KEYCHAIN_UNAVAILABLE' | 'WEAK_KEYCHAIN';

export class KeyVaultError extends Error {
  constructor(
    readonly code: KeyVaultErrorCode,
    readonly staffMessage: StaffText,
  ) {
    super(staffMessage.en);
    this.name = 'KeyVaultError';
  }
}

interface VaultFile {
  format: 'venue-key-vault';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string; wrapped: string };
}

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** scrypt at N = 2^17, r = 8: about 128 MiB and a fraction of a second, once per start. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

const MIN_PASSPHRASE_LENGTH = 12;

function deriveWrappingKey(passphrase: string, salt: Buffer, cost: ScryptCost): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  });
}

/**
 * Keeps the database key in a small JSON file, wrapped with AES-256-GCM under
 * a key derived from a passphrase with scrypt. A wrong passphrase fails the
 * GCM tag check, so it is told apart from a damaged file.
 */
export class PassphraseKeyVault implements KeyVault {
  readonly description: string;

  constructor(
    private readonly file: string,
    private readonly passphrase: string,
    private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST,
  ) {
    this.description = `passphrase vault (${file})`;
  }

  async getOrCreateKey(): Promise<Buffer> {
    if (existsSync(this.file)) return this.unwrap(this.readVault());
    if (this.passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new KeyVaultError(
        'WEAK_PASSPHRASE',
        text(
          `パスフレーズは${MIN_PASSPHRASE_LENGTH}文字以上にしてください。`,
          `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long.`,
        ),
      );
    }
    const key = randomBytes(DATABASE_KEY_BYTES);
    writeFileAtomic(this.file, JSON.stringify(this.wrap(key), null, 2), 0o600);
    return key;
  }

  private wrap(key: Buffer): VaultFile {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', deriveWrappingKey(this.passphrase, salt, this.cost), iv);
    const wrapped = Buffer.concat([cipher.update(key), cipher.final()]);
    return {
      format: 'venue-key-vault',
      version: 1,
      kdf: { name: 'scrypt', ...this.cost, salt: salt.toString('base64') },
      cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), wrapped: wrapped.toString('base64') },
    };
  }

  private readVault(): VaultFile {
    const damaged = new KeyVaultError(
      'VAULT_DAMAGED',
      text(
        '鍵ファイルが壊れています。管理者に連絡し、バックアップの鍵ファイルから復旧してください。',
        'The key file is damaged. Call the supervisor and restore the key file from its backup.',
      ),
    );
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<VaultFile>;
      if (parsed.format !== 'venue-key-vault' || parsed.version !== 1 || !parsed.kdf || !parsed.cipher) throw damaged;
      return parsed as VaultFile;
    } catch (error) {
      if (error instanceof KeyVaultError) throw error;
      throw damaged;
    }
  }

  private unwrap(vault: VaultFile): Buffer {
    const { kdf, cipher } = vault;
    const wrappingKey = deriveWrappingKey(this.passphrase, Buffer.from(kdf.salt, 'base64'), kdf);
    try {
      const decipher = createDecipheriv('aes-256-gcm', wrappingKey, Buffer.from(cipher.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(cipher.tag, 'base64'));
      const key = Buffer.concat([decipher.update(Buffer.from(cipher.wrapped, 'base64')), decipher.final()]);
      if (key.length !== DATABASE_KEY_BYTES) throw new Error('wrong key size');
      return key;
    } catch {
      throw new KeyVaultError(
        'WRONG_PASSPHRASE',
        text('パスフレーズが違います。もう一度入力してください。', 'The passphrase is wrong. Please enter it again.'),
      );
    }
  }
}
