import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../test/support/temp';
import { KeyVaultError, PassphraseKeyVault } from './keyvault';

const newDir = useTempDir();
const CHEAP = { N: 2 ** 12, r: 8, p: 1 }; // keep tests fast; the default cost is set in DEFAULT_SCRYPT_COST

async function vaultError(promise: Promise<unknown>): Promise<KeyVaultError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KeyVaultError);
    return error as KeyVaultError;
  }
  throw new Error('expected a KeyVaultError');
}

describe('the passphrase key vault', () => {
  it('makes a random 256-bit key once and gives the same key back', async () => {
    const file = join(newDir(), 'key.json');
    const first = await new PassphraseKeyVault(file, 'correct horse battery', CHEAP).getOrCreateKey();
    const again = await new PassphraseKeyVault(file, 'correct horse battery', CHEAP).getOrCreateKey();
    expect(first.length).toBe(32);
    expect(again.equals(first)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(first.toString('hex'));
    expect(readFileSync(file, 'utf8')).not.toContain(first.toString('base64'));
  });

  it('keeps an audit key of its own beside the database key, also in a vault made before it', async () => {
    const file = join(newDir(), 'key.json');
    const key = await new PassphraseKeyVault(file, 'correct horse battery', CHEAP).getOrCreateKey();
    const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(before.audit).toBeUndefined();
    const audit = await new PassphraseKeyVault(file, 'correct horse battery', CHEAP).getOrCreateAuditKey();
    expect(audit.length).toBe(32);
    expect(audit.equals(key)).toBe(false);
    const after = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(after.cipher).toEqual(before.cipher);
    expect(readFileSync(file, 'utf8')).not.toContain(audit.toString('hex'));
    const again = new PassphraseKeyVault(file, 'correct horse battery', CHEAP);
    expect((await again.getOrCreateAuditKey()).equals(audit)).toBe(true);
    expect((await again.getOrCreateKey()).equals(key)).toBe(true);
    expect((await vaultError(new PassphraseKeyVault(file, 'wrong horse battery', CHEAP).getOrCreateAuditKey())).code).toBe('WRONG_PASSPHRASE');
  });

  it('two vaults make different keys', async () => {
    const a = await new PassphraseKeyVault(join(newDir(), 'a.json'), 'correct horse battery', CHEAP).getOrCreateKey();
    const b = await new PassphraseKeyVault(join(newDir(), 'b.json'), 'correct horse battery', CHEAP).getOrCreateKey();
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a wrong passphrase', async () => {
    const file = join(newDir(), 'key.json');
    await new PassphraseKeyVault(file, 'correct horse battery', CHEAP).getOrCreateKey();
    const error = await vaultError(new PassphraseKeyVault(file, 'wrong horse battery', CHEAP).getOrCreateKey());
    expect(error.code).toBe('WRONG_PASSPHRASE');
  });

  it('tells a damaged vault file from a wrong passphrase', async () => {
    const file = join(newDir(), 'key.json');
    writeFileSync(file, '{"format":"something else"}');
    expect((await vaultError(new PassphraseKeyVault(file, 'correct horse battery', CHEAP).getOrCreateKey())).code).toBe('VAULT_DAMAGED');
  });

  it('refuses to create a vault with a short passphrase', async () => {
    const error = await vaultError(new PassphraseKeyVault(join(newDir(), 'k.json'), 'short', CHEAP).getOrCreateKey());
    expect(error.code).toBe('WEAK_PASSPHRASE');
  });
});
