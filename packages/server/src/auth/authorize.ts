/**
 * Built-in permission rules for per-user and per-team stores (seed 000's teams):
 * `user:<id>` belongs to that user alone, `team:<id>` to the team's members; any other
 * store id is refused unless a custom `authorize` hook allows it.
 */
import type { Action, AuthorizeResult, AuthUser } from './types.js'

/**
 * The default `authorize` hook when authentication is configured.
 *
 * @param user - the authenticated user (`null` → refused)
 * @param storeId - `user:<id>` or `team:<id>`
 * @param action - `read` or `write` (same rule for both)
 * @returns `true`, or `{ deny }` with the reason
 * @example
 * ```ts
 * storeRules({ id: 'ada', teams: ['core'] }, 'team:core', 'write') // true
 * storeRules({ id: 'ada' }, 'user:bob', 'read') // { deny: 'store user:bob belongs to another user' }
 * ```
 */
export function storeRules(user: AuthUser | null, storeId: string, action: Action): AuthorizeResult {
  if (!user) return { deny: `authentication required to ${action} ${storeId}` }
  const colon = storeId.indexOf(':')
  const kind = colon < 0 ? '' : storeId.slice(0, colon)
  const id = colon < 0 ? '' : storeId.slice(colon + 1)
  if (kind === 'user') return id === user.id ? true : { deny: `store ${storeId} belongs to another user` }
  if (kind === 'team')
    return user.teams?.includes(id) ? true : { deny: `user ${user.id} is not a member of team ${id}` }
  return { deny: `no rule grants ${action} on ${storeId} (built-in rules cover user:<id> and team:<id>)` }
}

/**
 * Normalises an {@link AuthorizeResult} to a denial reason or `undefined`.
 * @internal
 */
export function denialReason(result: AuthorizeResult, storeId: string, action: Action): string | undefined {
  if (result === true) return undefined
  if (result === false) return `${action} on ${storeId} is not allowed`
  return result.deny
}
