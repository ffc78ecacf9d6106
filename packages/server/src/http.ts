/**
 * HTTP routes: the push/pull fallback (`/v1/stores/:storeId/…`), `/health` and
 * `/metrics`. Same JSON shapes and exactly-once rules as the WebSocket protocol.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  decodeHttpPushBody,
  type ErrorMessage,
  LIMITS,
  PROTOCOL_VERSION,
  type ServerMessage,
  type SessionErrorCode,
} from '@strata/sync'
import {
  authenticateRequest,
  authorizeAction,
  clientIdFree,
  clientIdTakenMessage,
  ingest,
  type ServerContext,
} from './context.js'
import type { Subscriber } from './hub.js'
import type { MetricsRegistry } from './metrics.js'
import { TokenBucket } from './rate-limit.js'
import { bearerToken } from './session.js'

const STATUS: Partial<Record<SessionErrorCode, number>> = {
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  client_id_taken: 409,
  too_large: 413,
  rate_limited: 429,
  shutting_down: 503,
  internal: 500,
}

function reply(
  res: ServerResponse,
  status: number,
  body: ServerMessage | Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

function replyError(
  res: ServerResponse,
  code: SessionErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  // fatal, as on a WebSocket: every error answer ends the client's emulated session, and
  // the client keeps the server's reason (e.g. client_id_taken) rather than "HTTP 409"
  const body: ErrorMessage = { t: 'error', code, message, fatal: true }
  reply(res, STATUS[code] ?? 400, body, headers)
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > max) over = true
      else if (!over) chunks.push(c)
    })
    req.on('end', () => resolve(over ? 'too_large' : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * Waits until `storeId`'s head passes `cursor` (as the hub sees it: commits on this node
 * and, through the fan-out, on others), `ms` pass, the server shuts down or the client
 * goes away.
 * @returns false when the client went away (nothing left to answer)
 */
function waitForEvents(
  ctx: ServerContext,
  storeId: string,
  cursor: number,
  ms: number,
  res: ServerResponse,
): Promise<boolean> {
  // Watch the connection, not only the response: a pipelined request queued behind another
  // on the same connection has a response with no socket yet, which never emits `close`
  // when the client goes away (its request and the connection do).
  const socket = res.req.socket
  // The client may have left during the first read: its `close` event has fired already
  // and will not fire again, so the pull would be parked for the whole wait.
  if (res.destroyed || socket.destroyed) return Promise.resolve(false)
  return new Promise((resolve) => {
    let done = false
    let joined = false
    let gone = false
    const onClose = () => {
      gone = true
      release()
    }
    const sub: Subscriber = {
      wake() {
        if ((ctx.hub.head(storeId) ?? 0) > cursor) release()
      },
    }
    const release = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      ctx.waitingPulls.delete(release)
      res.off('close', onClose)
      socket.off('close', onClose)
      if (joined) ctx.hub.leave(storeId, sub)
      resolve(!gone)
    }
    const timer = setTimeout(release, ms)
    ctx.waitingPulls.add(release)
    res.on('close', onClose)
    socket.on('close', onClose)
    ctx.hub.join(storeId, sub).then(
      (head) => {
        if (done) {
          ctx.hub.leave(storeId, sub)
          return
        }
        joined = true
        if (head > cursor) release() // committed between the read and the join
      },
      (error: unknown) => {
        ctx.logger.warn('long-poll could not watch the store; answering now', { storeId, error })
        release()
      },
    )
  })
}

function parseIntParam(v: string | null, fallback: number): number | undefined {
  if (v === null || v === '') return fallback
  if (!/^\d{1,15}$/.test(v)) return undefined
  return Number(v)
}

/**
 * Builds the HTTP request handler of a server.
 * @internal
 */
export function httpHandler(
  ctx: ServerContext,
  registry: MetricsRegistry,
  cors: string | undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
  const buckets = new Map<string, TokenBucket>()
  /** Long-polls held per client address (limits.maxWaitingPullsPerAddress). */
  const held = new Map<string, number>()
  const sweep = setInterval(() => buckets.clear(), 60_000)
  sweep.unref()

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (cors) {
      res.setHeader('access-control-allow-origin', cors)
      res.setHeader('access-control-allow-headers', 'authorization, content-type')
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS')
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end()
        return
      }
    }
    if (url.pathname === '/health' && req.method === 'GET') {
      if (ctx.shuttingDown) return reply(res, 503, { status: 'shutting_down' })
      try {
        await ctx.storage.head('__health__')
        return reply(res, 200, {
          status: 'ok',
          storage: ctx.storage.kind,
          fanout: ctx.fanout.kind,
          connections: ctx.hub.subscriberCount(),
          protocol: PROTOCOL_VERSION,
        })
      } catch (error) {
        ctx.logger.error('health check failed', { error })
        return reply(res, 503, { status: 'storage_unavailable', storage: ctx.storage.kind })
      }
    }
    if (url.pathname === '/metrics' && req.method === 'GET') {
      const text = registry.render()
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      res.end(text)
      return
    }
    const m = /^\/v1\/stores\/([^/]+)\/(push|pull|status)$/.exec(url.pathname)
    if (!m) return replyError(res, 'not_found', `no route ${req.method} ${url.pathname}`)
    let storeId: string
    try {
      storeId = decodeURIComponent(m[1] as string)
    } catch {
      return replyError(res, 'bad_field', 'store id is not valid URL encoding')
    }
    if (
      storeId.length === 0 ||
      storeId.length > LIMITS.maxIdLength ||
      /[\s\u007f]/.test(storeId) ||
      [...storeId].some((c) => c.charCodeAt(0) < 32)
    ) {
      return replyError(res, 'bad_field', 'invalid store id')
    }
    const action = m[2] as 'push' | 'pull' | 'status'
    const expected = action === 'push' ? 'POST' : 'GET'
    if (req.method !== expected) return replyError(res, 'not_found', `${action} needs ${expected}`)
    if (ctx.shuttingDown) return replyError(res, 'shutting_down', 'server is shutting down')
    const ip = req.socket.remoteAddress ?? ''
    let bucket = buckets.get(ip)
    if (!bucket)
      buckets.set(ip, (bucket = new TokenBucket(ctx.limits.httpRequestsPerSecond, ctx.limits.httpBurst)))
    if (!bucket.take()) return replyError(res, 'rate_limited', 'too many requests', { 'retry-after': '1' })

    const auth = await authenticateRequest(
      ctx,
      bearerToken(req.headers.authorization),
      req.headers,
      storeId,
      'http',
    )
    if (!auth.ok) {
      ctx.metrics.authFailures.inc()
      return replyError(res, auth.code, auth.message)
    }

    // Every route needs read access, push too (as a WebSocket session does at hello): a
    // user with no rights on the store must not get refusals recorded under its clients'
    // ids, which would take their seqs.
    const denied = await authorizeAction(ctx, auth.user, storeId, 'read')
    if (denied) {
      ctx.metrics.authFailures.inc()
      return replyError(res, 'forbidden', denied)
    }

    if (action === 'push') {
      const body = await readBody(req, ctx.limits.maxFrameBytes)
      if (body === 'too_large')
        return replyError(res, 'too_large', `body exceeds ${ctx.limits.maxFrameBytes} bytes`)
      const decoded = decodeHttpPushBody(body, {
        maxFrameBytes: ctx.limits.maxFrameBytes,
        maxEventsPerPush: ctx.limits.maxEventsPerPush,
      })
      if (!decoded.ok) {
        ctx.metrics.protocolErrors.inc()
        return replyError(res, decoded.error.code, decoded.error.message)
      }
      const result = await ingest(
        ctx,
        auth.user,
        storeId,
        decoded.message.clientId,
        decoded.message.events,
        0,
      )
      if (result.taken)
        return replyError(res, 'client_id_taken', clientIdTakenMessage(storeId, decoded.message.clientId))
      return reply(res, 200, {
        t: 'ack',
        id: decoded.message.id ?? 0,
        lastSeq: result.lastSeq,
        results: result.results,
      })
    }

    if (action === 'status') {
      const clientId = url.searchParams.get('clientId')
      if (clientId && !(await clientIdFree(ctx, auth.user, storeId, clientId))) {
        ctx.metrics.authFailures.inc()
        return replyError(res, 'client_id_taken', clientIdTakenMessage(storeId, clientId))
      }
      // lastSeq before head, as the WebSocket session reads them: every event of this
      // client counted in lastSeq was then accepted with a gseq at or below head, so a
      // client that has caught up to head and still misses one of its seqs knows the
      // server refused it (decision 0065)
      const lastSeq = clientId ? await ctx.storage.lastSeq(storeId, clientId) : 0
      const head = await ctx.storage.head(storeId)
      return reply(res, 200, {
        t: 'welcome',
        v: PROTOCOL_VERSION,
        head,
        lastSeq,
        limits: {
          maxFrameBytes: ctx.limits.maxFrameBytes,
          maxEventsPerPush: ctx.limits.maxEventsPerPush,
          maxPullWaitMs: ctx.limits.maxPullWaitMs,
        },
      })
    }
    const cursor = parseIntParam(url.searchParams.get('cursor'), 0)
    const limit = parseIntParam(url.searchParams.get('limit'), ctx.limits.defaultPullLimit)
    const wait = parseIntParam(url.searchParams.get('wait'), 0)
    if (cursor === undefined) return replyError(res, 'bad_field', 'cursor must be a non-negative integer')
    if (limit === undefined || limit < 1)
      return replyError(res, 'bad_field', 'limit must be a positive integer')
    if (wait === undefined)
      return replyError(res, 'bad_field', 'wait must be a non-negative integer (milliseconds)')
    const page = Math.min(limit, ctx.limits.maxPullLimit)
    // Events first, then head: head is then ≥ every returned gseq, so `more` is never wrongly set.
    let events = await ctx.storage.read(storeId, cursor, page)
    // Never hold a pull past the credentials' expiry: what is committed after it is not theirs to see.
    const expiresIn =
      auth.user?.expiresAt === undefined ? Number.POSITIVE_INFINITY : auth.user.expiresAt - Date.now()
    const waitMs = Math.max(0, Math.min(wait, ctx.limits.maxPullWaitMs, expiresIn))
    const holding = held.get(ip) ?? 0
    if (events.length === 0 && waitMs > 0 && holding < ctx.limits.maxWaitingPullsPerAddress) {
      // Long-poll: hold the request until the store's head passes the cursor.
      held.set(ip, holding + 1)
      let answered: boolean
      try {
        answered = await waitForEvents(ctx, storeId, cursor, waitMs, res)
      } finally {
        const left = (held.get(ip) ?? 1) - 1
        if (left > 0) held.set(ip, left)
        else held.delete(ip)
      }
      if (!answered) return
      // Released by a shutdown: do not keep the connection alive past this answer.
      if (ctx.shuttingDown) res.setHeader('connection', 'close')
      events = await ctx.storage.read(storeId, cursor, page)
    }
    const head = await ctx.storage.head(storeId)
    ctx.metrics.eventsOut.inc(events.length)
    const last = events[events.length - 1]
    return reply(res, 200, { t: 'events', events, head, ...(last && last.gseq < head ? { more: true } : {}) })
  }

  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      ctx.logger.error('http request failed', { method: req.method, url: req.url, error })
      if (!res.headersSent)
        replyError(res, 'internal', 'internal server error; nothing was recorded for this request')
      else res.end()
    })
  }
}
