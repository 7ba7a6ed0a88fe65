import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { text } from '../common/messages';
import { StaffRefusal } from '../common/refusal';
import { writeFileAtomic } from './files';

/** The database key is 32 random bytes; how it is kept depends on the platform. */
export const DATABASE_KEY_BYTES = 32;

/**
 * Where the database key lives. In the Electron app it is wrapped with the OS
 * keychain (safeStorage, see main/); headless hosts, tests and recovery use
 * the passphrase vault below. Either way the key itself is random: the
 * passphrase only wraps it, so the hot path never runs a key derivation.
 *
 * Beside it the vault keeps the audit key (32 random bytes of its own, not
 * derived from the database key), which seals the audit chain
 * (src/audit/chain.ts): a copy of the database key alone (a backup tool, a
 * support session) does not let anyone rewrite the audit log unnoticed.
 */
export interface KeyVault {
  /** Words for logs and settings screens, never the key. */
  readonly description: string;
  /** The database key, made and stored on first use. */
  getOrCreateKey(): Promise<Buffer>;
  /** The audit key, made and stored on first use (a vault from before it gains one). */
  getOrCreateAuditKey(): Promise<Buffer>;
}

export type KeyVaultErrorCode = 'WRONG_PASSPHRASE' | 'VAULT_DAMAGED' | 'WEAK_PASSPHRASE' | 'KEYCHAIN_UNAVAILABLE' | 'WEAK_KEYCHAIN';

export class KeyVaultError extends StaffRefusal<KeyVaultErrorCode> {}

interface Wrapped {
  iv: string;
  tag: string;
  wrapped: string;
}

interface VaultFile {
  format: 'venue-key-vault';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm' } & Wrapped;
  /** The audit key, under the same wrapping key. Absent in vaults from before it (older versions ignore it). */
  audit?: Wrapped;
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
  /** The scrypt result for the vault's salt: derived once per start, not once per key. */
  private wrapping: { salt: string; key: Buffer } | null = null;

  constructor(
    private readonly file: string,
    private readonly passphrase: string,
    private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST,
  ) {
    this.description = `passphrase vault (${file})`;
  }

  async getOrCreateKey(): Promise<Buffer> {
    if (existsSync(this.file)) {
      const vault = this.readVault();
      return this.unwrap(vault, vault.cipher);
    }
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
    const salt = randomBytes(16).toString('base64');
    const vault: VaultFile = {
      format: 'venue-key-vault',
      version: 1,
      kdf: { name: 'scrypt', ...this.cost, salt },
      cipher: { name: 'aes-256-gcm', ...this.wrap(salt, this.cost, key) },
    };
    writeFileAtomic(this.file, JSON.stringify(vault, null, 2), 0o600);
    return key;
  }

  async getOrCreateAuditKey(): Promise<Buffer> {
    // The database key first: it checks the passphrase, and makes the vault on first use.
    await this.getOrCreateKey();
    const vault = this.readVault();
    if (vault.audit) return this.unwrap(vault, vault.audit);
    const key = randomBytes(DATABASE_KEY_BYTES);
    const updated: VaultFile = { ...vault, audit: this.wrap(vault.kdf.salt, vault.kdf, key) };
    writeFileAtomic(this.file, JSON.stringify(updated, null, 2), 0o600);
    return key;
  }

  private wrappingKey(salt: string, cost: ScryptCost): Buffer {
    if (this.wrapping?.salt !== salt) this.wrapping = { salt, key: deriveWrappingKey(this.passphrase, Buffer.from(salt, 'base64'), cost) };
    return this.wrapping.key;
  }

  private wrap(salt: string, cost: ScryptCost, key: Buffer): Wrapped {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.wrappingKey(salt, cost), iv);
    const wrapped = Buffer.concat([cipher.update(key), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), wrapped: wrapped.toString('base64') };
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

  private unwrap(vault: VaultFile, sealed: Wrapped): Buffer {
    const wrappingKey = this.wrappingKey(vault.kdf.salt, vault.kdf);
    try {
      const decipher = createDecipheriv('aes-256-gcm', wrappingKey, Buffer.from(sealed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const key = Buffer.concat([decipher.update(Buffer.from(sealed.wrapped, 'base64')), decipher.final()]);
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
