import { expectTypeOf } from 'vitest'
import type { Authorize, AuthUser } from './auth/types.js'
import type { SyncServerOptions } from './server.js'
import type { SyncStorage } from './storage/storage.js'

// authorize may allow, refuse, or refuse with a reason — nothing else.
const ok: Authorize = () => true
const reason: Authorize = async () => ({ deny: 'read-only' })
// @ts-expect-error — a bare string is not a verdict
const bad: Authorize = () => 'nope'

// the user id is required
// @ts-expect-error — missing id
const noId: AuthUser = { teams: ['a'] }

// fanout accepts only the known names or a Fanout object
// @ts-expect-error — unknown fan-out name
const badFanout: SyncServerOptions = { fanout: 'redis' }

// storage.append needs one verdict slot per event; the dry run's judge and the pusher's
// user id (binding the client id) are optional
declare const storage: SyncStorage
expectTypeOf(storage.append).parameters.toEqualTypeOf<
  [
    string,
    string,
    readonly import('@strata/sync').PushedEvent[],
    readonly (import('./storage/storage.js').Verdict | undefined)[],
    (import('./storage/storage.js').Judge | undefined)?,
    (string | undefined)?,
  ]
>()

// @ts-expect-error — verdict codes are limited to what a push can be refused for
const badVerdict: import('./storage/storage.js').Verdict = { code: 'gap', reason: '' }

export { bad, badFanout, badVerdict, noId, ok, reason }
