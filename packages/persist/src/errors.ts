/**
 * Typed errors of @strata/persist. Every error names the storage key it concerns and
 * carries a stable `code`, so apps can branch on `error.code` instead of parsing text.
 * Nothing in this package throws plain `Error`s at users.
 */

/**
 * Stable codes of every error @strata/persist reports.
 * @example
 * ```ts
 * const retryable = (code: PersistErrorCode) => code === 'E_WRITE' || code === 'E_READ'
 * ```
 */
export type PersistErrorCode =
  | 'E_DECODE'
  | 'E_SCHEMA'
  | 'E_MIGRATE'
  | 'E_VERSION_NEWER'
  | 'E_READ'
  | 'E_WRITE'
  | 'E_DECRYPT'
  | 'E_QUARANTINE'
  | 'E_CONFIG'

/**
 * Base class of every error @strata/persist reports.
 *
 * @example
 * ```ts
 * settings.onError((e) => {
 *   if (e instanceof PersistError) console.warn(e.code, e.key, e.message)
 * })
 * ```
 */
export class PersistError extends Error {
  /** Stable machine-readable code. */
  readonly code: PersistErrorCode
  /** The storage key (or key prefix) the error concerns. */
  readonly key: string
  /** Where the damaged raw value was copied, if it was moved aside. */
  quarantineKey: string | undefined

  /**
   * @param code stable code
   * @param key storage key concerned
   * @param message human text (the key is prepended)
   * @param options standard `cause`
   */
  constructor(code: PersistErrorCode, key: string, message: string, options?: { cause?: unknown }) {
    super(`[${code}] "${key}": ${message}`, options)
    this.name = new.target.name
    this.code = code
    this.key = key
    this.quarantineKey = undefined
  }
}

/**
 * The stored text could not be decoded (bad JSON, a throwing `decode`).
 *
 * @example
 * ```ts
 * if (e instanceof DecodeError) console.warn('corrupt value moved to', e.quarantineKey)
 * ```
 */
export class DecodeError extends PersistError {
  /** @param key storage key @param cause what the decoder threw */
  constructor(key: string, cause: unknown) {
    super('E_DECODE', key, `stored value could not be decoded: ${reason(cause)}`, { cause })
  }
}

/**
 * The stored value decoded but failed its Standard Schema, or the schema or `merge`
 * threw on it (then `cause` is what was thrown).
 *
 * @example
 * ```ts
 * if (e instanceof SchemaError) console.table(e.issues)
 * ```
 */
export class SchemaError extends PersistError {
  /** The schema's issues, as the schema library reported them. */
  readonly issues: readonly { message: string; path?: readonly unknown[] | undefined }[]
  /** @param key storage key @param issues Standard Schema issues @param cause what a throwing schema or merge threw */
  constructor(
    key: string,
    issues: readonly { message: string; path?: readonly unknown[] | undefined }[],
    cause?: unknown,
  ) {
    super('E_SCHEMA', key, `stored value failed its schema: ${issues.map(formatIssue).join('; ')}`, { cause })
    this.issues = issues
  }
}

/**
 * A migration step threw or was missing.
 *
 * @example
 * ```ts
 * if (e.code === 'E_MIGRATE') report(e)
 * ```
 */
export class MigrationError extends PersistError {
  /** @param key storage key @param from stored version @param to code version @param cause reason */
  constructor(key: string, from: number, to: number, cause: unknown) {
    super('E_MIGRATE', key, `could not migrate stored version ${from} to ${to}: ${reason(cause)}`, { cause })
  }
}

/**
 * The stored value was written by a newer version of the app. It is kept untouched and
 * this tab will not overwrite it (no silent downgrade).
 *
 * @example
 * ```ts
 * if (e instanceof VersionError) showBanner('Please reload: data is from a newer version')
 * ```
 */
export class VersionError extends PersistError {
  /** Version found in storage. */
  readonly storedVersion: number
  /** Version this code knows. */
  readonly codeVersion: number
  /** @param key storage key @param stored stored version @param code code version */
  constructor(key: string, stored: number, code: number) {
    super(
      'E_VERSION_NEWER',
      key,
      `stored version ${stored} is newer than this code's version ${code}; refusing to downgrade, stored data kept`,
    )
    this.storedVersion = stored
    this.codeVersion = code
  }
}

/**
 * The engine failed to read. Writes to the key are held back so data that could not be
 * read is never overwritten blindly. Edits made meanwhile stay in memory; after
 * `rehydrate()` (or another tab's change) reads the key, they win and are written.
 *
 * @example
 * ```ts
 * if (e.code === 'E_READ') await store.rehydrate()
 * ```
 */
export class ReadError extends PersistError {
  /** @param key storage key @param cause what the engine threw */
  constructor(key: string, cause: unknown) {
    super('E_READ', key, `engine failed to read: ${reason(cause)}`, { cause })
  }
}

/**
 * The engine failed to write (quota exceeded, disk full, closed database): the value is
 * not saved. The in-memory value is kept and the next write, `flush()` or the last chance
 * (page hide, process exit) retries; `flush()` rejects with this error when its retry fails.
 *
 * @example
 * ```ts
 * if (e instanceof WriteError && e.quota) showBanner('Storage is full')
 * ```
 */
export class WriteError extends PersistError {
  /** True when the engine reported a quota error. */
  readonly quota: boolean
  /** @param key storage key @param cause what the engine threw */
  constructor(key: string, cause: unknown) {
    super('E_WRITE', key, `not saved, kept in memory: engine failed to write: ${reason(cause)}`, { cause })
    this.quota = isQuotaError(cause)
  }
}

/**
 * An encrypted value could not be decrypted: wrong key or passphrase, or tampered data.
 * Never surfaces as garbage state.
 *
 * @example
 * ```ts
 * if (e instanceof DecryptError) askForPassphraseAgain()
 * ```
 */
export class DecryptError extends PersistError {
  /** @param key storage key @param cause what WebCrypto threw */
  constructor(key: string, cause: unknown) {
    super('E_DECRYPT', key, `could not decrypt (wrong key or tampered data): ${reason(cause)}`, { cause })
  }
}

/**
 * A damaged value could not be moved aside, so the key is left untouched and writes to
 * it are held back.
 *
 * @example
 * ```ts
 * if (e.code === 'E_QUARANTINE') console.error(e.cause)
 * ```
 */
export class QuarantineError extends PersistError {
  /** @param key storage key @param cause what the engine threw */
  constructor(key: string, cause: unknown) {
    super('E_QUARANTINE', key, `could not move damaged value aside; key left untouched: ${reason(cause)}`, {
      cause,
    })
  }
}

/**
 * Options that cannot work together (e.g. `version` without a migration path).
 *
 * @example
 * ```ts
 * try { persistent(0, '') } catch (e) { if (e instanceof ConfigError) console.error(e.message) }
 * ```
 */
export class ConfigError extends PersistError {
  /** @param key storage key @param message what is wrong */
  constructor(key: string, message: string) {
    super('E_CONFIG', key, message)
  }
}

/**
 * True when an engine error means "storage full" (DOM QuotaExceededError, Firefox's
 * legacy name, Node's ENOSPC).
 *
 * @param e what the engine threw
 * @returns whether it is a quota error
 * @example
 * ```ts
 * try { localStorage.setItem('k', big) } catch (e) { if (isQuotaError(e)) freeSpace() }
 * ```
 */
export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false
  const { name, code } = e as { name?: unknown; code?: unknown }
  return (
    name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 'ENOSPC'
  )
}

/** @internal The message of a thrown value. */
export function reason(e: unknown): string {
  if (e instanceof Error) return e.message || e.name
  return String(e)
}

function formatIssue(issue: { message: string; path?: readonly unknown[] | undefined }): string {
  if (!issue.path || issue.path.length === 0) return issue.message
  const path = issue.path
    .map((p) =>
      typeof p === 'object' && p !== null && 'key' in p ? String((p as { key: unknown }).key) : String(p),
    )
    .join('.')
  return `${path}: ${issue.message}`
}
