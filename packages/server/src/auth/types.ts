/**
 * The auth seam: who is connecting (`authenticate`) and what they may do (`authorize`).
 * The server calls `authenticate` once per WebSocket session / HTTP request and
 * `authorize` for `read` at hello/pull and for `write` per pushed event.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { PushedEvent } from '@strata/sync'

/**
 * An authenticated principal.
 *
 * @example
 * ```ts
 * const user: AuthUser = { id: 'ada', teams: ['core'], expiresAt: Date.now() + 3_600_000 }
 * ```
 */
export interface AuthUser {
  /** Stable user id (JWT `sub`). */
  id: string
  /** Teams the user belongs to (grants `team:<id>` stores under the built-in rules). */
  teams?: readonly string[]
  /** When the credentials expire (ms since epoch, a finite number); the session closes then. */
  expiresAt?: number
  /** All verified claims, for custom `authorize` hooks. */
  claims?: Readonly<Record<string, unknown>>
}

/**
 * What `authenticate` sees of a request.
 *
 * @example
 * ```ts
 * const authenticate = async (req: AuthRequest) => (req.token === 'letmein' ? { id: 'dev' } : null)
 * ```
 */
export interface AuthRequest {
  /** The bearer token: `hello.token` or the `Authorization: Bearer` header. */
  token: string | undefined
  /** Headers of the HTTP request (or of the WebSocket upgrade). */
  headers: IncomingHttpHeaders
  /** The store the request is about. */
  storeId: string
  /** `'ws'` or `'http'`. */
  transport: 'ws' | 'http'
}

/**
 * Resolves a request to a user; return `null` (or throw an `AuthError`) to refuse.
 *
 * @example
 * ```ts
 * const authenticate: Authenticate = async ({ token }) => (token ? lookupSession(token) : null)
 * ```
 */
export type Authenticate = (request: AuthRequest) => AuthUser | null | Promise<AuthUser | null>

/**
 * An operation on a store.
 *
 * @example
 * ```ts
 * const action: Action = 'write'
 * ```
 */
export type Action = 'read' | 'write'

/**
 * Result of `authorize`: `true` allows; `false` or `{ deny: reason }` refuses.
 *
 * @example
 * ```ts
 * const verdict: AuthorizeResult = { deny: 'archived projects are read-only' }
 * ```
 */
export type AuthorizeResult = boolean | { deny: string }

/**
 * Decides whether `user` may `read` a store, or `write` one event into it. `user` is
 * `null` when the server runs without authentication.
 *
 * @example
 * ```ts
 * const authorize: Authorize = (user, storeId, action) => storeId === `user:${user?.id}` || action === 'read'
 * ```
 */
export type Authorize = (
  user: AuthUser | null,
  storeId: string,
  action: Action,
  event?: PushedEvent,
) => AuthorizeResult | Promise<AuthorizeResult>
