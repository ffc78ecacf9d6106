/**
 * Typed errors of encryption at rest. Both name the store and what was being opened;
 * neither ever causes a persisted file to be modified or deleted.
 */
import { StoreError } from '../errors.js'

/**
 * The key (passphrase or CryptoKey) does not open this store: the store's key check
 * failed to authenticate. Nothing was read into memory and nothing was changed.
 * @example
 * try { await createStore({ schema, adapter: browserAdapter({ encryption: { passphrase: 'nope' } }), storeId: 'app' }) }
 * catch (e) { if (e instanceof WrongKeyError) askForPassphraseAgain() }
 */
export class WrongKeyError extends StoreError {
  /**
   * @param storeId the store
   * @param location where its files are
   */
  constructor(storeId: string, location: string) {
    super(
      'encryption_wrong_key',
      `Store "${storeId}" at ${location}: the encryption key is wrong (key check failed)`,
    )
  }
}

/**
 * The store's persisted files are encrypted but no key was given, or a key was given for
 * a store that was created unencrypted (use a migration to encrypt an existing store).
 * @example
 * catch (e) { if (e instanceof EncryptionMismatchError) console.log(e.message) }
 */
export class EncryptionMismatchError extends StoreError {
  /**
   * @param storeId the store
   * @param location where its files are
   * @param encrypted whether the files on disk are encrypted
   */
  constructor(storeId: string, location: string, encrypted: boolean) {
    super(
      'encryption_mismatch',
      encrypted
        ? `Store "${storeId}" at ${location} is encrypted: pass its key (encryption option) to open it`
        : `Store "${storeId}" at ${location} was created without encryption; refusing to mix encrypted and plain files`,
    )
  }
}

/**
 * An encrypted file failed authentication although the key is right: it was altered,
 * truncated, or moved under another name. The file is kept as it is.
 * @example
 * catch (e) { if (e instanceof DecryptionError) console.log(e.context) }
 */
export class DecryptionError extends StoreError {
  /** The name the file was encrypted under (its storage name). */
  readonly context: string
  /**
   * @param context the file name used as associated data
   * @param options standard error options (`cause`)
   */
  constructor(context: string, options?: { cause?: unknown }) {
    super(
      'encryption_auth_failed',
      `Encrypted file "${context}" failed authentication (altered or misplaced)`,
      options,
    )
    this.context = context
  }
}
