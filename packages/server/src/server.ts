/**
 * The sync server: wires storage, hub, fan-out, auth, WebSocket sessions and HTTP
 * routes into one node:http server, and owns its lifecycle (listen, heartbeats,
 * graceful shutdown).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { HEARTBEAT, LIMITS } from '@strata/sync'
import { WebSocketServer } from 'ws'
import { jwtAuthenticator, type JwtOptions } from './auth/jwt.js'
import type { Authenticate, Authorize } from './auth/types.js'
import type { EffectiveLimits, ServerContext } from './context.js'
import { ConfigError } from './errors.js'
import { type Fanout, localFanout } from './fanout/fanout.js'
import { postgresFanout } from './fanout/postgres.js'
import { httpHandler } from './http.js'
import { Hub } from './hub.js'
import { jsonLogger, type Logger } from './logger.js'
import { MetricsRegistry } from './metrics.js'
import { checkReplicaOptions, isFullStoreSchema, type ReplicaOptions, Replicas } from './replica/replicas.js'
import { Session } from './session.js'
import { openStorage } from './storage/open.js'
import type { SyncStorage } from './storage/storage.js'
import type { EventSchemas } from './validation.js'

/**
 * Options of {@link startSyncServer}.
 *
 * @example
 * ```ts
 * const options: SyncServerOptions = { port: 8787, db: './strata.db', jwt: { secret: 'dev-secret' } }
 * ```
 */
export interface SyncServerOptions {
  /** Port (0 = a free port). Default 8787. */
  port?: number
  /** Interface. Default `127.0.0.1`. */
  host?: string
  /** SQLite path, `:memory:`, or `postgres://…[?schema=name]`. Default `:memory:`. Ignored when `storage` is given. */
  db?: string
  /** A storage you opened yourself (closed by the server on shutdown). */
  storage?: SyncStorage
  /**
   * Cross-node fan-out: `'local'` (single node), `'postgres'` (LISTEN/NOTIFY on the
   * storage's database; the default for Postgres), or a {@link Fanout} (e.g. NATS).
   */
  fanout?: 'local' | 'postgres' | Fanout
  /** Fan-out channel name (Postgres) — nodes that should see each other must agree. */
  fanoutChannel?: string
  /** Event schemas: pushed events are validated with them. */
  schema?: EventSchemas
  /**
   * Materializer dry run (decision 0059): keep a materialized replica per store and
   * refuse (`invalid`) a pushed event whose materializer throws. Default: on when
   * `schema` is a full store schema (`makeSchema`), off otherwise; `false` turns it off.
   */
  replicas?: boolean | ReplicaOptions
  /** Verify bearer JWTs (shortcut for `authenticate: jwtAuthenticator(jwt)`). */
  jwt?: JwtOptions
  /** Custom authentication hook (wins over `jwt`). */
  authenticate?: Authenticate
  /** Custom authorization hook. Default: built-in `user:`/`team:` rules when auth is on, allow-all otherwise. */
  authorize?: Authorize
  /** Structured logger. Default: JSON lines on stdout at `info`. */
  logger?: Logger
  /** Limits (defaults from `LIMITS`; 1000 frames/s per socket with a burst of 2000; 100 HTTP requests/s per address). */
  limits?: Partial<EffectiveLimits>
  /** Heartbeat timing. */
  heartbeat?: { intervalMs?: number; timeoutMs?: number }
  /** WebSocket path. Default `/v1/sync`. */
  path?: string
  /** `Access-Control-Allow-Origin` for the HTTP routes (e.g. `'*'`). */
  cors?: string
}

/**
 * A running server.
 *
 * @example
 * ```ts
 * const server = await startSyncServer({ port: 0 })
 * console.log(server.wsUrl) // ws://127.0.0.1:54321/v1/sync
 * await server.close()
 * ```
 */
export interface SyncServer {
  /** `http://host:port`. */
  readonly url: string
  /** `ws://host:port/v1/sync`. */
  readonly wsUrl: string
  readonly port: number
  readonly storage: SyncStorage
  readonly metrics: MetricsRegistry
  readonly httpServer: Server
  /** Number of open WebSocket sessions. */
  connections(): number
  /**
   * Graceful shutdown: refuse new work, let in-flight pushes finish (up to
   * `timeoutMs`, default 5000), close every socket with 1001 `shutting_down`, close
   * fan-out and storage. Connections still open `timeoutMs` after that (a peer that
   * never answers the close handshake, a request whose body never arrives) are dropped,
   * so the process stops within about twice `timeoutMs`.
   */
  close(options?: { timeoutMs?: number }): Promise<void>
}

/** Every limit is a positive integer; `maxPullWaitMs` may be 0 (no long-polling). */
function checkLimits(limits: EffectiveLimits): void {
  for (const [key, value] of Object.entries(limits)) {
    const min = key === 'maxPullWaitMs' ? 0 : 1
    if (!Number.isSafeInteger(value) || value < min)
      throw new ConfigError(
        'bad_limit',
        `limits.${key} must be an integer ≥ ${min}, got ${JSON.stringify(value) ?? String(value)}`,
      )
  }
}

function isPostgres(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db)
}

/**
 * Opens storage and starts an HTTP + WebSocket sync server.
 *
 * @param options - storage, auth, limits, …
 * @returns the running {@link SyncServer}
 * @example
 * ```ts
 * import { startSyncServer } from '@strata/server'
 * const server = await startSyncServer({ port: 8787, db: './strata.db' })
 * process.on('SIGTERM', () => server.close())
 * ```
 */
export async function startSyncServer(options: SyncServerOptions = {}): Promise<SyncServer> {
  if (options.replicas !== undefined && options.replicas !== false && !isFullStoreSchema(options.schema))
    throw new ConfigError('bad_replicas', 'replicas need schema to be a full store schema (makeSchema)')
  if (typeof options.replicas === 'object') checkReplicaOptions(options.replicas)
  const limits: EffectiveLimits = {
    maxFrameBytes: LIMITS.maxFrameBytes,
    maxEventsPerPush: LIMITS.maxEventsPerPush,
    maxPullLimit: LIMITS.maxPullLimit,
    defaultPullLimit: LIMITS.defaultPullLimit,
    maxPullWaitMs: LIMITS.maxPullWaitMs,
    maxWaitingPullsPerAddress: 500,
    framesPerSecond: 1000,
    frameBurst: 2000,
    httpRequestsPerSecond: 100,
    httpBurst: 200,
    ...options.limits,
  }
  checkLimits(limits)
  const logger = options.logger ?? jsonLogger()
  const db = options.db ?? ':memory:'
  const storage = options.storage ?? (await openStorage(db))
  let fanout: Fanout
  try {
    if (typeof options.fanout === 'object') fanout = options.fanout
    else {
      const wantPg =
        options.fanout === 'postgres' || (options.fanout === undefined && !options.storage && isPostgres(db))
      if (wantPg && !isPostgres(db))
        throw new ConfigError('bad_fanout', "fanout 'postgres' needs db to be a postgres:// URL")
      if (wantPg) {
        const url = new URL(db)
        const schema = url.searchParams.get('schema')
        url.searchParams.delete('schema')
        fanout = await postgresFanout({
          connectionString: url.toString(),
          channel: options.fanoutChannel ?? (schema ? `strata_events_${schema}` : 'strata_events'),
          logger,
        })
      } else fanout = localFanout()
    }
  } catch (e) {
    await storage.close()
    throw e
  }

  const registry = new MetricsRegistry()
  const sessions = new Set<Session>()
  const hub = new Hub(storage, {
    onFetchError: (error, storeId) =>
      logger.warn('fetching events another node committed failed; retried at the next notice', {
        storeId,
        error,
      }),
  })
  let replicas: Replicas | undefined
  if (options.replicas !== false && isFullStoreSchema(options.schema))
    replicas = new Replicas(
      options.schema,
      storage,
      typeof options.replicas === 'object' ? options.replicas : {},
      logger,
    )
  const ctx: ServerContext = {
    storage,
    hub,
    fanout,
    logger,
    limits,
    heartbeat: {
      intervalMs: options.heartbeat?.intervalMs ?? HEARTBEAT.intervalMs,
      timeoutMs: options.heartbeat?.timeoutMs ?? HEARTBEAT.timeoutMs,
    },
    authenticate: options.authenticate ?? (options.jwt ? jwtAuthenticator(options.jwt) : undefined),
    authorize: options.authorize,
    schema: options.schema,
    replicas,
    shuttingDown: false,
    waitingPulls: new Set(),
    metrics: {
      eventsIn: registry.counter('strata_events_in_total', 'Events appended to the log'),
      eventsRejected: registry.counter(
        'strata_events_rejected_total',
        'Pushed events refused (invalid, unknown, forbidden, gap)',
      ),
      eventsOut: registry.counter('strata_events_out_total', 'Events sent to clients (stream and pull)'),
      pushes: registry.counter('strata_pushes_total', 'Push requests processed'),
      protocolErrors: registry.counter('strata_protocol_errors_total', 'Malformed frames and bodies'),
      authFailures: registry.counter(
        'strata_auth_failures_total',
        'Refused authentications and authorizations',
      ),
      pushSeconds: registry.histogram(
        'strata_push_duration_seconds',
        'Push latency: validation + durable commit',
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      ),
    },
  }
  registry.gauge('strata_connections', 'Open WebSocket sessions', () => sessions.size)
  registry.gauge('strata_replicas', 'Materialized store replicas open (dry run)', () => replicas?.size ?? 0)
  registry.gauge(
    'strata_http_waiting_pulls',
    'HTTP pulls held open until something is committed (long-poll)',
    () => ctx.waitingPulls.size,
  )
  registry.gauge('strata_backlog_events', 'Committed events not yet streamed to connected sessions', () => {
    let n = 0
    for (const s of sessions) n += Math.max(0, (hub.head(s.storeId) ?? s.sentHead) - s.sentHead)
    return n
  })
  fanout.subscribe({
    onHead: (storeId, head) => {
      hub.remote(storeId, head)
      replicas?.remote(storeId, head)
    },
    onResync: () => {
      hub.resync().catch((error: unknown) => logger.warn('resync failed', { error }))
    },
  })

  const path = options.path ?? '/v1/sync'
  // No permessage-deflate: frames are small JSON, and compressing them would cost CPU per
  // socket on every fan-out (the shared live frame could no longer be sent as is).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
  })
  const httpServer = createServer(httpHandler(ctx, registry, options.cors))
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
    if (pathname !== path || ctx.shuttingDown) {
      socket.end(
        `HTTP/1.1 ${ctx.shuttingDown ? '503 Service Unavailable' : '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(ctx, ws, req, (s) => sessions.delete(s))
      sessions.add(session)
    })
  })
  const beat = setInterval(
    () => {
      const now = Date.now()
      for (const s of sessions) s.heartbeat(now)
    },
    Math.max(50, Math.min(ctx.heartbeat.intervalMs, ctx.heartbeat.timeoutMs / 3)),
  )
  beat.unref()

  const host = options.host ?? '127.0.0.1'
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(options.port ?? 8787, host, () => {
        httpServer.off('error', reject)
        resolve()
      })
    })
  } catch (e) {
    clearInterval(beat)
    await replicas?.close()
    await fanout.close()
    await storage.close()
    throw e
  }
  const address = httpServer.address()
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8787)
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${port}`
  const wsUrl = `ws://${shownHost}:${port}${path}`
  logger.info('listening', {
    url,
    wsUrl,
    storage: storage.kind,
    fanout: fanout.kind,
    auth: ctx.authenticate ? 'on' : 'off',
  })

  let closing: Promise<void> | undefined
  return {
    url,
    wsUrl,
    port,
    storage,
    metrics: registry,
    httpServer,
    connections: () => sessions.size,
    close(closeOptions = {}) {
      closing ??= (async () => {
        ctx.shuttingDown = true
        clearInterval(beat)
        // Long-polls answer now (with whatever is new) instead of holding the close.
        for (const release of [...ctx.waitingPulls]) release()
        const stopped = new Promise<void>((r) => httpServer.close(() => r()))
        httpServer.closeIdleConnections()
        const timeoutMs = closeOptions.timeoutMs ?? 5_000
        await Promise.all([...sessions].map((s) => s.shutdown(timeoutMs)))
        wss.close()
        // Without this, a peer that never answers the close handshake holds `stopped` for
        // ws's 30 s close timeout, and a half-sent request for the request timeout.
        let timer: ReturnType<typeof setTimeout> | undefined
        await Promise.race([stopped, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))])
        clearTimeout(timer)
        for (const client of wss.clients) client.terminate()
        httpServer.closeAllConnections()
        await stopped
        await replicas?.close()
        await fanout.close()
        await storage.close()
        logger.info('stopped', { url })
      })()
      return closing
    },
  }
}
