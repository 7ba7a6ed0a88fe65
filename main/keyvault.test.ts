import { describe, expect, it } from 'vitest';
import { SafeStorageKeyVault, type WrappedKeyStore } from './keyvault';

/** A stand-in for Electron's safeStorage (the binary cannot run here): reversible wrapping with a marker. */
function fakeSafeStorage(backend: 'basic_text' | 'gnome_libsecret' = 'gnome_libsecret', available = true) {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain: string) => Buffer.from(`wrapped:${[...plain].reverse().join('')}`),
    decryptString: (wrapped: Buffer) => [...wrapped.toString().replace(/^wrapped:/, '')].reverse().join(''),
  };
}

function memoryStore(): WrappedKeyStore & { value?: string; audit?: string } {
  const store: WrappedKeyStore & { value?: string; audit?: string } = {
    getWrappedKey: (name) => (name === 'database' ? store.value : store.audit),
    setWrappedKey: (name, wrapped) => (name === 'database' ? (store.value = wrapped) : (store.audit = wrapped)),
  };
  return store;
}

describe('the safeStorage key vault', () => {
  it('makes a random 32-byte key once, stores it only wrapped, and returns the same key after', async () => {
    const store = memoryStore();
    const vault = new SafeStorageKeyVault(fakeSafeStorage(), store, 'linux');
    const key = await vault.getOrCreateKey();
    expect(key.length).toBe(32);
    expect(store.value).toBeDefined();
    expect(store.value).not.toContain(key.toString('hex'));
    expect((await new SafeStorageKeyVault(fakeSafeStorage(), store, 'linux').getOrCreateKey()).equals(key)).toBe(true);
    const other = await new SafeStorageKeyVault(fakeSafeStorage(), memoryStore(), 'win32').getOrCreateKey();
    expect(other.equals(key)).toBe(false);
  });

  it('keeps an audit key of its own beside the database key, made once', async () => {
    const store = memoryStore();
    const vault = new SafeStorageKeyVault(fakeSafeStorage(), store, 'linux');
    const key = await vault.getOrCreateKey();
    const audit = await vault.getOrCreateAuditKey();
    expect(audit.length).toBe(32);
    expect(audit.equals(key)).toBe(false);
    expect(store.audit).toBeDefined();
    expect(store.audit).not.toContain(audit.toString('hex'));
    expect((await new SafeStorageKeyVault(fakeSafeStorage(), store, 'linux').getOrCreateAuditKey()).equals(audit)).toBe(true);
    expect((await new SafeStorageKeyVault(fakeSafeStorage(), store, 'linux').getOrCreateKey()).equals(key)).toBe(true);
  });

  it('refuses the Linux basic_text backend', async () => {
    await expect(new SafeStorageKeyVault(fakeSafeStorage('basic_text'), memoryStore(), 'linux').getOrCreateKey()).rejects.toMatchObject({ code: 'WEAK_KEYCHAIN' });
    // The same backend name on another platform does not exist; only Linux has the fallback.
    await expect(new SafeStorageKeyVault(fakeSafeStorage('basic_text'), memoryStore(), 'darwin').getOrCreateKey()).resolves.toHaveLength(32);
  });

  it('refuses when the keychain is unavailable', async () => {
    await expect(new SafeStorageKeyVault(fakeSafeStorage('gnome_libsecret', false), memoryStore(), 'linux').getOrCreateKey()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
  });
});
