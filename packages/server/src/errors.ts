/**
 * Typed errors of @strata/server. Each has a `code` naming what failed; messages name
 * where (store id, client id, option, URL).
 */

/**
 * Base class of every error the server throws on purpose.
 *
 * @example
 * ```ts
 * try { await server.listen() } catch (e) { if (e instanceof ServerError) console.error(e.code) }
 * ```
 */
export class ServerError extends Error {
  override readonly name: string = 'ServerError'
  /** Machine-readable reason. */
  readonly code: string
  /**
   * @param code - machine-readable reason
   * @param message - what and where
   * @param options - the underlying cause
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/**
 * A storage backend failed (cannot open the database, a query failed).
 *
 * @example
 * ```ts
 * throw new StorageError('open_failed', 'cannot open SQLite file /data/strata.db', { cause })
 * ```
 */
export class StorageError extends ServerError {
  override readonly name = 'StorageError'
}

/**
 * Invalid server configuration (bad option, unsupported database URL, …).
 *
 * @example
 * ```ts
 * throw new ConfigError('bad_db_url', 'unsupported database URL mysql://…')
 * ```
 */
export class ConfigError extends ServerError {
  override readonly name = 'ConfigError'
}

/**
 * Authentication failed: missing, malformed, badly signed or expired credentials.
 * `code` is `unauthorized` or `token_expired`.
 *
 * @example
 * ```ts
 * throw new AuthError('token_expired', 'JWT expired at 2026-01-01T00:00:00Z')
 * ```
 */
export class AuthError extends ServerError {
  override readonly name = 'AuthError'
}
