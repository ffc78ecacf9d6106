/**
 * Everything a WebSocket session or an HTTP handler needs from its server, in one
 * object, plus the two operations both transports share: authenticating a request and
 * ingesting a push (validate → authorize → durable append → wake subscribers → fan out).
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { PushedEvent } from '@strata/sync'
import { denialReason, storeRules } from './auth/authorize.js'
import type { Action, Authenticate, Authorize, AuthUser } from './auth/types.js'
import { AuthError } from './errors.js'
import type { Fanout } from './fanout/fanout.js'
import type { Hub } from './hub.js'
import type { Logger } from './logger.js'
import type { Counter, Histogram } from './metrics.js'
import type { Replicas } from './replica/replicas.js'
import type { AppendResult, SyncStorage, Verdict } from './storage/storage.js'
import { type EventSchemas, nulVerdict, validatePushedEvent } from './validation.js'

/**
 * Effective limits of a server.
 * @internal
 */
export interface EffectiveLimits {
  maxFrameBytes: number
  maxEventsPerPush: number
  maxPullLimit: number
  defaultPullLimit: number
  /** Longest an HTTP pull's `wait` is honoured (ms); 0 answers every pull at once. */
  maxPullWaitMs: number
  /** Most HTTP pulls held at once per client address; beyond it a pull is answered at once. */
  maxWaitingPullsPerAddress: number
  framesPerSecond: number
  frameBurst: number
  httpRequestsPerSecond: number
  httpBurst: number
}

/**
 * Shared state of one server.
 * @internal
 */
export interface ServerContext {
  storage: SyncStorage
  hub: Hub
  fanout: Fanout
  logger: Logger
  limits: EffectiveLimits
  heartbeat: { intervalMs: number; timeoutMs: number }
  authenticate: Authenticate | undefined
  authorize: Authorize | undefined
  schema: EventSchemas | undefined
  /** The materializer dry run (decision 0059), when on. */
  replicas: Replicas | undefined
  shuttingDown: boolean
  /** Releases of the HTTP pulls waiting for events (long-polls): called at shutdown. */
  waitingPulls: Set<() => void>
  metrics: {
    eventsIn: Counter
    eventsRejected: Counter
    eventsOut: Counter
    pushes: Counter
    protocolErrors: Counter
    authFailures: Counter
    pushSeconds: Histogram
  }
}

/**
 * Outcome of {@link authenticateRequest}.
 * @internal
 */
export type AuthOutcome =
  | { ok: true; user: AuthUser | null }
  | { ok: false; code: 'unauthorized' | 'token_expired'; message: string }

/**
 * Runs the authenticate hook (no hook: anonymous `null` user).
 * @internal
 */
export async function authenticateRequest(
  ctx: ServerContext,
  token: string | undefined,
  headers: IncomingHttpHeaders,
  storeId: string,
  transport: 'ws' | 'http',
): Promise<AuthOutcome> {
  if (!ctx.authenticate) return { ok: true, user: null }
  try {
    const user = await ctx.authenticate({ token, headers, storeId, transport })
    if (!user)
      return {
        ok: false,
        code: 'unauthorized',
        message: token ? 'credentials refused' : 'a token is required',
      }
    if (typeof user.id !== 'string' || user.id === '') {
      // client ids are bound to this id (0043): a number would never equal its stored text
      // (locking its owner out), and a missing id would skip the binding altogether
      ctx.logger.error('authenticate hook returned a user without a non-empty string id', {
        storeId,
        id: user.id,
      })
      return { ok: false, code: 'unauthorized', message: 'authentication failed' }
    }
    if (user.expiresAt !== undefined && !Number.isFinite(user.expiresAt)) {
      // NaN passed the expiry test and re-armed a 1 ms timer for ever: the session never expired
      ctx.logger.error('authenticate hook returned an invalid expiresAt', {
        storeId,
        expiresAt: user.expiresAt,
      })
      return { ok: false, code: 'unauthorized', message: 'authentication failed' }
    }
    if (user.expiresAt !== undefined && user.expiresAt <= Date.now())
      return { ok: false, code: 'token_expired', message: 'token expired' }
    return { ok: true, user }
  } catch (e) {
    if (e instanceof AuthError && (e.code === 'token_expired' || e.code === 'unauthorized'))
      return { ok: false, code: e.code, message: e.message }
    ctx.logger.error('authenticate hook failed', { storeId, error: e })
    return { ok: false, code: 'unauthorized', message: 'authentication failed' }
  }
}

/**
 * Runs the authorize hook (custom, else the built-in store rules when authentication is
 * on, else allow).
 * @returns the denial reason, or undefined when allowed
 * @internal
 */
export async function authorizeAction(
  ctx: ServerContext,
  user: AuthUser | null,
  storeId: string,
  action: Action,
  event?: PushedEvent,
): Promise<string | undefined> {
  if (ctx.authorize) {
    try {
      return denialReason(await ctx.authorize(user, storeId, action, event), storeId, action)
    } catch (e) {
      ctx.logger.error('authorize hook failed', { storeId, action, error: e })
      return `${action} on ${storeId} could not be authorized`
    }
  }
  if (!ctx.authenticate) return undefined
  return denialReason(storeRules(user, storeId, action), storeId, action)
}

/**
 * The refusal of a client id bound to another user (decision 0043, its amendment "client ids are bound to users"):
 * the message names the store and the id, never the user who owns it.
 * @internal
 */
export function clientIdTakenMessage(storeId: string, clientId: string): string {
  return `client id ${clientId} is bound to another user on ${storeId}; nothing was recorded (sync under a new client id)`
}

/**
 * Whether a session of `user` may use `clientId` on `storeId`: false when the id is bound
 * to another user. Only a hint at `hello`/status (the push transaction enforces it).
 * @internal
 */
export async function clientIdFree(
  ctx: ServerContext,
  user: AuthUser | null,
  storeId: string,
  clientId: string,
): Promise<boolean> {
  if (!user || !ctx.storage.clientOwner) return true
  const owner = await ctx.storage.clientOwner(storeId, clientId)
  return owner === undefined || owner === user.id
}

/** Attempts before a push that keeps finding its store's replica behind the log gives up. */
const STALE_ATTEMPTS = 20

/**
 * The durable append, with the materializer dry run when replicas are on: the storage
 * calls the replica's judge inside the push transaction; a replica found behind the log
 * (another node committed) catches up and the push is tried again — nothing was recorded.
 */
async function append(
  ctx: ServerContext,
  storeId: string,
  clientId: string,
  events: readonly PushedEvent[],
  verdicts: readonly (Verdict | undefined)[],
  knownLastSeq: number,
  userId: string | undefined,
): Promise<AppendResult> {
  const replicas = ctx.replicas
  if (!replicas || !events.some((e, i) => e.seq > knownLastSeq && !verdicts[i]))
    return ctx.storage.append(storeId, clientId, events, verdicts, undefined, userId)
  for (let attempt = 1; ; attempt++) {
    const replica = await replicas.get(storeId)
    let result: AppendResult
    try {
      result = await replicas.judged(replica, (judge) =>
        ctx.storage.append(storeId, clientId, events, verdicts, judge, userId),
      )
    } catch (error) {
      // The replica may have applied events that were then not committed.
      replicas.discard(storeId)
      throw error
    }
    if (!result.stale) return result
    if (attempt === STALE_ATTEMPTS)
      throw new Error(`the replica of ${storeId} stayed behind the log for ${attempt} attempts`)
    await replica.catchUp()
  }
}

/**
 * Validates, authorizes, dry-runs the materializers (when replicas are on) and durably
 * appends one push, then wakes local subscribers and tells other nodes. Events with
 * seq ≤ `knownLastSeq` are duplicates whose verdict the storage ignores, so they skip
 * validation. With authentication on, the push binds its client id to `user` or, when
 * the id is bound to another user, is refused whole (`taken`, nothing recorded).
 * @internal
 */
export async function ingest(
  ctx: ServerContext,
  user: AuthUser | null,
  storeId: string,
  clientId: string,
  events: readonly PushedEvent[],
  knownLastSeq: number,
): Promise<AppendResult> {
  const started = performance.now()
  const verdicts: (Verdict | undefined)[] = []
  for (const e of events) {
    if (e.seq <= knownLastSeq) {
      verdicts.push(undefined)
      continue
    }
    let verdict = nulVerdict(e) ?? (ctx.schema ? await validatePushedEvent(ctx.schema, e) : undefined)
    if (!verdict) {
      const denied = await authorizeAction(ctx, user, storeId, 'write', e)
      if (denied) verdict = { code: 'forbidden', reason: denied }
    }
    verdicts.push(verdict)
  }
  const result = await append(ctx, storeId, clientId, events, verdicts, knownLastSeq, user?.id)
  ctx.metrics.pushes.inc()
  if (result.taken) {
    ctx.metrics.authFailures.inc()
    ctx.logger.warn('push refused: the client id is bound to another user', {
      storeId,
      clientId,
      user: user?.id,
    })
    return result
  }
  ctx.metrics.pushSeconds.observe((performance.now() - started) / 1000)
  ctx.metrics.eventsIn.inc(result.appended.length)
  const rejected = result.results.filter((r) => !r.ok && !r.duplicate).length
  if (rejected > 0) ctx.metrics.eventsRejected.inc(rejected)
  if (result.appended.length > 0) {
    ctx.hub.committed(storeId, result.appended, result.head)
    ctx.fanout.publish(storeId, result.head)
  }
  return result
}
