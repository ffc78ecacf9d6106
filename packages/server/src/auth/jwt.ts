/**
 * JWT authentication via `jose`: HS256 with a shared secret, or RS256/ES256 keys from a
 * JWKS URL (fetched and cached by jose). Maps `sub` to the user id and a configurable
 * claim (default `teams`) to the user's teams.
 */
import {
  createRemoteJWKSet,
  errors as joseErrors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose'
import { AuthError, ConfigError } from '../errors.js'
import type { Authenticate, AuthUser } from './types.js'

/**
 * Options of {@link jwtAuthenticator}: exactly one of `secret` or `jwksUrl`.
 *
 * @example
 * ```ts
 * const hs: JwtOptions = { secret: process.env.JWT_SECRET! }
 * const rs: JwtOptions = { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', audience: 'strata' }
 * ```
 */
export interface JwtOptions {
  /** HS256 shared secret. */
  secret?: string | Uint8Array
  /** URL of a JWKS (RS256 / ES256 public keys). */
  jwksUrl?: string
  /** Accepted algorithms. Default: `['HS256']` with a secret, `['RS256', 'ES256']` with a JWKS. */
  algorithms?: string[]
  /** Required `iss`. */
  issuer?: string
  /** Required `aud`. */
  audience?: string
  /** Claim holding the user's team ids (array of strings). Default `teams`. */
  teamsClaim?: string
}

/**
 * Builds an `authenticate` hook verifying bearer JWTs.
 *
 * @param options - key source and claim checks
 * @returns an {@link Authenticate} hook that throws `AuthError` (`unauthorized` / `token_expired`)
 * @example
 * ```ts
 * const server = await startSyncServer({ authenticate: jwtAuthenticator({ secret: 'dev-secret' }) })
 * ```
 */
export function jwtAuthenticator(options: JwtOptions): Authenticate {
  if ((options.secret === undefined) === (options.jwksUrl === undefined)) {
    throw new ConfigError('bad_jwt_options', 'jwtAuthenticator needs exactly one of secret or jwksUrl')
  }
  const teamsClaim = options.teamsClaim ?? 'teams'
  let key: Uint8Array | JWTVerifyGetKey
  let algorithms: string[]
  if (options.secret !== undefined) {
    key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret
    algorithms = options.algorithms ?? ['HS256']
  } else {
    key = createRemoteJWKSet(new URL(options.jwksUrl as string))
    algorithms = options.algorithms ?? ['RS256', 'ES256']
  }
  const verifyOptions = {
    algorithms,
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
  }
  return async ({ token }) => {
    if (!token) return null
    let payload: JWTPayload
    try {
      payload =
        typeof key === 'function'
          ? (await jwtVerify(token, key, verifyOptions)).payload
          : (await jwtVerify(token, key, verifyOptions)).payload
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired)
        throw new AuthError('token_expired', 'token expired', { cause: e })
      throw new AuthError('unauthorized', `invalid token: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      })
    }
    if (typeof payload.sub !== 'string' || payload.sub === '')
      throw new AuthError('unauthorized', 'token has no sub claim')
    const user: AuthUser = { id: payload.sub, claims: payload }
    const teams = payload[teamsClaim]
    if (Array.isArray(teams)) user.teams = teams.filter((t): t is string => typeof t === 'string')
    if (typeof payload.exp === 'number') user.expiresAt = payload.exp * 1000
    return user
  }
}
