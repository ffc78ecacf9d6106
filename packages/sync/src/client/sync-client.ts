/**
 * The client sync processor: keeps one local store in sync with a Strata server.
 * Owns the session life cycle (connect → hello → welcome → stream, reconnect with
 * backoff), pushing the store's pending events in batches, feeding confirmed events to
 * the store's rebase (`applyUpstream`), removing events the server refused (`reject`),
 * heartbeats, and the status stores. It never touches SQLite itself: everything goes
 * through the store's sync seam (`store-seam.ts`), so materializers run exactly as for
 * local commits.
 *
 * Glossary: cursor = highest gseq applied locally (the store's confirmedHead);
 * lastSeq = highest seq of ours the server has processed (from `welcome` / `ack`);
 * catching up = the server is still sending pages older than its head at `welcome`.
 */
import {
  SyncClientError,
  SyncConfigError,
  SyncConnectionError,
  SyncEventRejectedError,
  SyncEventTooLargeError,
  SyncServerError,
} from '../errors.js'
import {
  type AckMessage,
  CLOSE_CODES,
  type ClientMessage,
  type ConfirmedEvent,
  decodeServerFrame,
  type ErrorMessage,
  type EventsMessage,
  HEARTBEAT,
  PROTOCOL_VERSION,
  type PushedEvent,
  type RawFrame,
  type RejectionCode,
  type ServerMessage,
  type WelcomeMessage,
} from '../protocol/index.js'
import { type BackoffOptions, createReconnector, validateBackoffOptions } from './backoff.js'
import { type Clock, systemClock, type TimerHandle } from './clock.js'
import { httpTransport } from './http-transport.js'
import { createPushWindow, type PushWindow } from './push-window.js'
import { createSyncStatus, type SyncStatus, type SyncStatusSnapshot } from './status.js'
import type { StoreSyncSeam, SyncableStore, SyncEventRecord } from './store-seam.js'
import { createTabLeader, type LockManagerLike, type TabLeader, type TabMessage } from './tab-leader.js'
import type { Transport, TransportCloseInfo, TransportConnection } from './transport.js'
import { webSocketTransport } from './websocket-transport.js'

/**
 * Options of {@link createSyncClient}.
 *
 * @example
 * ```ts
 * const options: SyncClientOptions = { store, url: 'ws://127.0.0.1:8787/v1/sync', batchSize: 200, getToken: () => session.token }
 * ```
 */
export interface SyncClientOptions {
  /** The local store to sync (a `@strata/store` Store, or anything exposing the `sync` seam). */
  store: SyncableStore
  /** Server URL: `ws(s)://…/v1/sync` for WebSocket, `http(s)://…` for the HTTP fallback. */
  url?: string
  /** A ready transport instead of `url` (custom WebSocket implementation, tests). */
  transport?: Transport
  /** The store id to sync; default `store.storeId`. */
  storeId?: string
  /** A fixed bearer token sent in `hello`. */
  token?: string
  /** Called before every connection for a fresh token (wins over `token`). */
  getToken?: () => string | undefined | Promise<string | undefined>
  /** Most events per push frame. Default 500 (capped by the server's announced limit). */
  batchSize?: number
  /** Most unacknowledged push frames at once. Default 4. */
  maxInFlight?: number
  /** Reconnect backoff tuning. */
  backoff?: BackoffOptions
  /** Ping interval when the server does not announce one, ms. Default 15 000. */
  heartbeatMs?: number
  /** Start syncing at once (default true); otherwise call `start()`. */
  autoStart?: boolean
  /** Browser tabs: one tab per store syncs (Web Locks), others follow. Default true (feature-detected). */
  coordinateTabs?: boolean
  /** Lock manager for tab coordination (default `navigator.locks`). */
  locks?: LockManagerLike
  /** Clock seam (default the system clock). */
  clock?: Clock
}

/**
 * An event the server refused, as delivered to `onRejection` listeners. The event is
 * already gone from the local store (its effects rolled back, later events replayed).
 *
 * @example
 * ```ts
 * client.onRejection((r: SyncRejection) => console.warn(r.event.name, r.code, r.reason))
 * ```
 */
export interface SyncRejection {
  /** The refused event as it was committed locally. */
  event: SyncEventRecord
  /** The server's rejection code. */
  code: Exclude<RejectionCode, 'gap'>
  /** The server's reason, naming the field or rule. */
  reason: string
  /** The same as a typed error (e.g. to show or log). */
  error: SyncEventRejectedError
}

/**
 * A running sync client.
 *
 * @example
 * ```ts
 * const sync: SyncClient = createSyncClient({ store, url })
 * window.addEventListener('online', () => sync.reconnect())
 * ```
 */
export interface SyncClient {
  /** Status as core stores: `online`, `syncing`, `pendingCount`, `lastSyncedAt`, `error`, `all`. */
  readonly status: SyncStatus
  /** The store id being synced. */
  readonly storeId: string
  /** True while this client holds the connection (in a browser: this tab is the one that syncs). */
  readonly leading: boolean
  /** Starts (or resumes) syncing. Idempotent. */
  start(): void
  /** Stops syncing: closes the connection, cancels retries. Local commits keep working and stay pending. */
  stop(): void
  /** Skips the backoff wait and reconnects now (e.g. when the app regains network). */
  reconnect(): void
  /** Listens for refused events. Returns an unsubscribe function. */
  onRejection(fn: (rejection: SyncRejection) => void): () => void
  /** Resolves when online, caught up and nothing is pending; rejects after `timeoutMs`. */
  whenSynced(options?: { timeoutMs?: number }): Promise<void>
  /** Stops for good and releases listeners. */
  dispose(): void
}

const DEFAULT_BATCH = 500
const DEFAULT_IN_FLIGHT = 4
/** Bytes of a push frame besides its events (envelope, HTTP body's clientId, id). */
const FRAME_OVERHEAD = 1024
/**
 * The same, closer, for a frame of one event, which is sent only if it fits: the
 * envelope (`{"t":"push","id":…,"events":[…]}`, over HTTP `{"clientId":…,"events":[…],"id":…}`)
 * is under 64 bytes besides the client id.
 */
const LONE_OVERHEAD = 64
/** Range of a server's `welcome.heartbeatMs` we follow (a timer cannot wait past 2^31-1 ms). */
const MIN_HEARTBEAT = 1000
const MAX_HEARTBEAT = 300_000
/** A session that stayed healthy this long resets the reconnect backoff when it ends. */
const STABLE_MS = 5000
/** Catch-up events applied per store transaction (pages arrive 2 000 at a time). */
const APPLY_CHUNK = 10_000
/** Codes after which reconnecting cannot help without a change on the client side. */
const TERMINAL_CLOSE = new Set<number>([
  CLOSE_CODES.forbidden,
  CLOSE_CODES.unsupportedVersion,
  CLOSE_CODES.cursorAhead,
  CLOSE_CODES.clientIdTaken,
])

/**
 * Creates a sync client for one store and (by default) starts it. Local reads and
 * commits never wait for it: it pushes pending events in the background, streams other
 * replicas' events in and rebases, and reports progress through `status`.
 *
 * @param options - the store, where to sync (`url` or `transport`), auth and tuning
 * @returns a {@link SyncClient}
 * @throws {@link SyncConfigError} when an option is invalid (nothing is started)
 * @example
 * ```ts
 * const store = await createStore({ schema, adapter: nodeAdapter({ directory: './data' }), storeId: 'user:ada' })
 * const sync = createSyncClient({ store, url: 'ws://127.0.0.1:8787/v1/sync', getToken: () => auth.token })
 * effect(() => console.log(sync.status.online.get() ? 'online' : 'offline'))
 * sync.onRejection((r) => console.warn('refused', r.event.name, r.reason))
 * ```
 */
export function createSyncClient(options: SyncClientOptions): SyncClient {
  const seam = checkStore(options.store)
  const storeId = options.storeId ?? options.store.storeId
  if (typeof storeId !== 'string' || storeId.length === 0) {
    throw new SyncConfigError('storeId', 'missing: pass storeId or use a store created with one')
  }
  const transport = options.transport ?? transportFor(options.url)
  const clock = options.clock ?? systemClock
  const batchSize = options.batchSize ?? DEFAULT_BATCH
  const maxInFlight = options.maxInFlight ?? DEFAULT_IN_FLIGHT
  if (options.token !== undefined && typeof options.token !== 'string') {
    throw new SyncConfigError('token', 'must be a string')
  }
  if (options.getToken !== undefined && typeof options.getToken !== 'function') {
    throw new SyncConfigError('getToken', 'must be a function')
  }
  const heartbeatDefault = options.heartbeatMs ?? HEARTBEAT.intervalMs
  if (!(heartbeatDefault > 0 && heartbeatDefault <= MAX_HEARTBEAT)) {
    throw new SyncConfigError(
      'heartbeatMs',
      `must be a positive number ≤ 300000, got ${String(heartbeatDefault)}`,
    )
  }
  validateBackoffOptions(options.backoff ?? {})
  // Validates batchSize / maxInFlight up front.
  const window: PushWindow<SyncEventRecord> = createPushWindow({ batchSize, maxInFlight })

  const writer = createSyncStatus({ pendingCount: countPending(seam) })
  const rejectionListeners = new Set<(r: SyncRejection) => void>()

  // ---- session state (valid while started) ----
  let started = false
  let disposed = false
  let conn: TransportConnection | undefined
  let connectAttempt = 0
  let welcomed = false
  let catchingUp = false
  /** Pushes wait until caught up (a pending seq at or below `welcome.lastSeq`, see onWelcome). */
  let holding = false
  let cursor = 0
  /** Highest gseq received on this connection (≥ cursor while catch-up pages are held). */
  let received = 0
  let held: ConfirmedEvent[] = []
  let lastSeq = 0
  /** Events per push: batchSize, the server's maxEventsPerPush, halved after a push was too large. */
  let effectiveBatch = batchSize
  /** Kept across sessions: halved by a too-large push, grown back by acked ones. */
  let batchCap = batchSize
  /** The session's `welcome.limits.maxEventsPerPush`. */
  let maxEventsPerPush: number | undefined
  /** The server's maxFrameBytes (from welcome), pushes are sized to fit it. */
  let maxFrameBytes: number | undefined
  /** The next event to push cannot fit in a frame of maxFrameBytes: pushing stops before it. */
  let tooLarge: SyncEventTooLargeError | undefined
  /** The last push of this connection was refused as too large (it is halved once). */
  let shrunk = false
  /** Events in the largest push sent on this connection (what a too-large refusal was about). */
  let largestPush = 0
  /** When this session proved healthy (caught up or a push acked); 0: not yet. */
  let healthyAt = 0
  let heartbeatMs = heartbeatDefault
  let heartbeatTimer: TimerHandle | undefined
  let lastHeard = 0
  let pushScheduled = false
  let terminal = false
  let fatalReported = false
  let tabs: TabLeader | undefined
  let leading = false

  const reconnector = createReconnector(() => openConnection(), { ...options.backoff, clock })

  // ---- status ----
  const patch = (changes: Partial<SyncStatusSnapshot>) => {
    writer.patch(changes)
    if (leading && tabs?.coordinated)
      tabs.post({ type: 'status', status: serialiseStatus(writer.snapshot()) })
  }
  // Reading the pending list costs a query (on a large log, the dominant cost of a commit
  // round); `freshPending` keeps the list read after a commit for the push that follows in
  // the same tick, and is dropped whenever the store changes it otherwise.
  let freshPending: readonly SyncEventRecord[] | undefined
  const readPending = (): readonly SyncEventRecord[] => {
    const list = freshPending ?? seam.pending()
    freshPending = undefined
    return list
  }
  let knownPending = countPending(seam)
  /** Recomputes the derived fields; `extra` lands in the same patch (observers never see a torn state). */
  const refreshStatus = (extra: Partial<SyncStatusSnapshot> = {}, recount = true) => {
    // Skip the count when nothing could have changed it.
    if (recount) knownPending = freshPending ? freshPending.length : countPending(seam)
    const pendingCount = knownPending
    // Pending events behind one too large to push are not being synced.
    const busy = welcomed && (catchingUp || window.inFlight > 0 || (pendingCount > 0 && !window.oversize))
    const changes: Partial<SyncStatusSnapshot> = { ...extra, pendingCount, syncing: busy }
    if (welcomed && !catchingUp && pendingCount === 0) changes.lastSyncedAt = clock.now()
    patch(changes)
  }

  // ---- connection ----
  function openConnection() {
    if (!started || conn || terminal) return
    const attempt = ++connectAttempt
    const tokenSource = options.getToken
    if (tokenSource) {
      Promise.resolve()
        .then(tokenSource)
        .then(
          (token) => {
            if (attempt === connectAttempt && started && !conn) dial(token)
          },
          (error: unknown) => {
            if (attempt !== connectAttempt || !started) return
            patch({
              error: new SyncClientError('auth', `getToken() failed: ${String(error)}`, { cause: error }),
            })
            retry()
          },
        )
    } else dial(options.token)
  }

  function dial(token: string | undefined) {
    welcomed = false
    catchingUp = false
    shrunk = false
    largestPush = 0
    healthyAt = 0
    heartbeatMs = heartbeatDefault
    let connection: TransportConnection | undefined
    /** A close reported from inside `connect()` (e.g. the WebSocket constructor threw). */
    let early: TransportCloseInfo | undefined
    const handlers = {
      onOpen() {
        if (!connection || conn !== connection) return
        if (conn !== connection) return
        cursor = seam.confirmedHead()
        received = cursor
        held = []
        const hello: ClientMessage = {
          t: 'hello',
          v: PROTOCOL_VERSION,
          storeId: storeId as string,
          clientId: seam.clientId,
          cursor,
        }
        if (token !== undefined) hello.token = token
        connection.send(hello)
        lastHeard = clock.now()
        armHeartbeat()
      },
      onMessage(data: RawFrame) {
        if (connection && conn === connection) onMessage(data)
      },
      onClose(info: TransportCloseInfo) {
        if (!connection) early = info
        else if (conn === connection) onClosed(info)
      },
    }
    connection = transport.connect(handlers)
    conn = connection
    if (early) onClosed(early)
  }

  function dropConnection(reason: string) {
    const c = conn
    if (!c) return
    c.close(reason)
  }

  function onClosed(info: TransportCloseInfo) {
    conn = undefined
    welcomed = false
    catchingUp = false
    disarmHeartbeat()
    const changes: Partial<SyncStatusSnapshot> = { online: false, syncing: false }
    // Keep the server's own reason (a fatal error frame just before this close) over the
    // bare close; later failures (refused reconnects) report the connection again.
    if (!info.local && !fatalReported) {
      changes.error = new SyncConnectionError(transport.url, info.reason, { cause: info.error })
    }
    fatalReported = false
    patch(changes)
    if (info.code !== undefined && TERMINAL_CLOSE.has(info.code)) terminal = true
    if (info.code === CLOSE_CODES.unauthorized && !options.getToken) terminal = true
    // 1009 (the socket's payload limit) / 4413: the last push was too large.
    if (info.code === 1009 || info.code === CLOSE_CODES.tooLarge) shrink()
    if (started && !terminal && !info.local) retry()
  }

  /**
   * Schedules the next session after a backoff pause. The pause grows with every session
   * that fails, and starts over only after a session that stayed healthy for a while
   * (caught up or got a push acked, STABLE_MS before it ended): a server that welcomes
   * and then fails every session is not retried at the initial delay forever.
   */
  function retry() {
    if (healthyAt > 0 && clock.now() - healthyAt >= STABLE_MS) reconnector.reset()
    healthyAt = 0
    reconnector.schedule()
  }
  const healthy = () => {
    if (healthyAt === 0) healthyAt = clock.now()
  }

  /** The last push was refused as too large: halve the batch (once per connection), kept across sessions. */
  function shrink() {
    if (shrunk) return
    shrunk = true
    // from the size that was refused: a batch already cut by bytes may be far below the cap
    batchCap = Math.max(1, Math.floor(Math.min(batchCap, effectiveBatch, largestPush || batchCap) / 2))
    effectiveBatch = batchCap
  }

  // ---- frames ----
  function onMessage(data: RawFrame) {
    lastHeard = clock.now()
    const decoded = decodeServerFrame(data)
    if (!decoded.ok) {
      patch({
        error: new SyncServerError(
          decoded.error.code,
          `unreadable frame from server: ${decoded.error.message}`,
          false,
        ),
      })
      // State may have diverged (a lost events page): start a clean session.
      dropConnection('unreadable frame from server')
      retry()
      return
    }
    const message: ServerMessage = decoded.message
    guardStore(() => {
      switch (message.t) {
        case 'welcome':
          return onWelcome(message)
        case 'events':
          return onEvents(message)
        case 'ack':
          return onAck(message)
        case 'error':
          return onError(message)
        case 'pong':
          return
      }
    })
  }

  /**
   * Runs work that reads the store from a socket or timer callback, where a throw would
   * escape into the transport. A closed store ends syncing quietly (the app closed it);
   * any other failure is reported and the session restarted after a backoff.
   */
  function guardStore(work: () => void) {
    try {
      work()
    } catch (error) {
      if (isStoreClosed(error)) {
        client.stop()
        return
      }
      patch({
        error: new SyncClientError('store', `local store failed during sync: ${String(error)}`, {
          cause: error,
        }),
      })
      dropConnection('local store failed')
      retry()
    }
  }

  function onWelcome(message: WelcomeMessage) {
    welcomed = true
    lastSeq = message.lastSeq
    // seqs the server has seen from this client id but this log never issued: skip them
    seam.advanceSeq?.(lastSeq)
    window.reset(lastSeq)
    if (message.heartbeatMs !== undefined) {
      // Clamped: a timer cannot wait past 2^31-1 ms (it would fire at once, a ping flood).
      heartbeatMs = Math.min(MAX_HEARTBEAT, Math.max(MIN_HEARTBEAT, message.heartbeatMs))
      armHeartbeat() // this session's interval starts now
    }
    maxEventsPerPush = message.limits?.maxEventsPerPush
    effectiveBatch = Math.min(batchCap, maxEventsPerPush ?? batchCap)
    maxFrameBytes = message.limits?.maxFrameBytes
    // A new limit (or none): whether the event still cannot be pushed is known at the next push.
    if (tooLarge?.maxFrameBytes !== maxFrameBytes) tooLarge = undefined
    catchingUp = message.head > cursor
    // A pending event at or below the server's lastSeq may turn out, once the server's
    // events come in, to share its seq with another event of ours (a restored store file):
    // the store then renumbers it and every later one (decision 0065). Push nothing until
    // caught up, so the server gets them in the order they were made.
    // Events not yet durable (a browser store) are not listed yet: their seqs are unknown.
    const listed = seam.pending()
    holding = catchingUp && (listed.some((e) => e.seq <= lastSeq) || countPending(seam) > listed.length)
    if (!catchingUp) {
      if (!caughtUp()) return
      healthy()
    }
    flushPushes()
    refreshStatus({ online: true, error: tooLarge ?? null })
  }

  function onEvents(message: EventsMessage) {
    const events = message.events
    if (events.length > 0) {
      if (events[0]!.gseq !== received + 1) {
        patch({
          error: new SyncServerError(
            'protocol',
            `events out of order: expected gseq ${received + 1}, got ${events[0]!.gseq}`,
            false,
          ),
        })
        dropConnection('events out of order')
        retry()
        return
      }
      received = events[events.length - 1]!.gseq
      if (held.length === 0) held = events
      else for (const e of events) held.push(e)
    }
    // Catch-up pages are applied in chunks: fewer store transactions, pending-log scans
    // and live-query runs. Held events are not applied yet, so a drop loses nothing:
    // the next session streams again from the store's confirmed head.
    if (message.more && held.length < APPLY_CHUNK) return
    const batch = held
    held = []
    if (batch.length > 0) {
      freshPending = undefined
      try {
        seam.applyUpstream(batch)
      } catch (error) {
        if (isStoreClosed(error)) throw error // guardStore ends syncing
        // The store refused upstream events (e.g. a materializer threw): keep local data,
        // report, and retry the session later rather than skipping events.
        patch({
          error: new SyncClientError('apply', `applying upstream events failed: ${String(error)}`, {
            cause: error,
          }),
        })
        dropConnection('applyUpstream failed')
        retry()
        return
      }
      cursor = batch[batch.length - 1]!.gseq
      if (leading && tabs?.coordinated) tabs.post({ type: 'upstream', head: cursor })
    }
    let pushed: Partial<SyncStatusSnapshot> = {}
    if (catchingUp && !message.more) {
      catchingUp = false
      if (!caughtUp()) return
      healthy()
      if (holding) {
        holding = false
        pushed = flushPushes()
      }
    }
    // Only our own events can confirm (remove) pending ones; other replicas' events leave
    // the count as it was. No push is due here: new pushes follow commits and acks.
    const own = seam.clientId
    refreshStatus(
      pushed,
      batch.some((e) => e.clientId === own),
    )
  }

  function onAck(message: AckMessage) {
    window.ack(message.id)
    healthy()
    // A push got through: let the batch grow back slowly after a too-large refusal.
    if (batchCap < batchSize) {
      batchCap = Math.min(batchSize, batchCap + Math.ceil(batchCap / 8))
      effectiveBatch = Math.min(batchCap, maxEventsPerPush ?? batchCap)
    }
    lastSeq = Math.max(lastSeq, message.lastSeq)
    let gap = false
    let rejected = false
    for (const result of message.results) {
      if (result.ok) continue
      if (result.code === 'gap') {
        gap = true
        continue
      }
      rejectPending(result.seq, result.code, result.reason)
      rejected = true
    }
    if (gap) window.reset(message.lastSeq)
    // An ok ack changes nothing in the store (confirmation comes with the events frame).
    refreshStatus(flushPushes(), rejected)
  }

  function onError(message: ErrorMessage) {
    const error = new SyncServerError(message.code, message.message, message.fatal === true)
    patch({ error })
    if (message.fatal) {
      fatalReported = true
      return // the server closes the socket; onClosed decides what next
    }
    // `too_large` without an id: the server could not read the frame far enough to know
    // it, and only pushes are ever that big.
    // `rate_limited` without an id: the server dropped a frame unread. With pushes in flight
    // it may have been one of them, whose ack will never come and whose window slot would
    // stay taken: start over (the new session re-pushes from the server's lastSeq).
    const dropped = message.code === 'rate_limited' && message.id === undefined && window.inFlight > 0
    if (message.id !== undefined || message.code === 'too_large' || dropped) {
      // A whole push refused without recording anything (rate limit, size, …): start a
      // clean session after a backoff pause, which re-pushes from the server's lastSeq.
      if (message.code === 'too_large') shrink()
      dropConnection(`push refused: ${message.code}`)
      retry()
    }
  }

  /**
   * The session's catch-up is complete (or was not needed): the store renumbers pending
   * events the server refused under their seqs (0065); what stays at or below lastSeq
   * (a store without that step) is re-pushed for its recorded outcome. @returns false
   * when the store failed and the session was dropped
   */
  function caughtUp(): boolean {
    try {
      seam.caughtUp?.()
    } catch (error) {
      if (isStoreClosed(error)) throw error
      patch({
        error: new SyncClientError('apply', `renumbering refused pending events failed: ${String(error)}`, {
          cause: error,
        }),
      })
      dropConnection('caughtUp failed')
      retry()
      return false
    }
    settleProcessed()
    return true
  }

  /**
   * Pending events the server already processed (seq ≤ lastSeq) that are still pending
   * once we have caught up were refused while we were not listening (the ack was lost).
   * Re-pushing them returns their recorded outcome (`duplicate: true`), never applies twice.
   */
  function settleProcessed() {
    const stale = seam.pending().filter((e) => e.seq <= lastSeq)
    if (stale.length === 0 || !conn) return
    let run: SyncEventRecord[] = []
    const send = () => {
      if (run.length > 0) conn?.send({ t: 'push', id: 0, events: run.map(toPushed) })
      run = []
    }
    const alone = aloneLimit()
    for (const e of stale) {
      // one that cannot fit in a frame is held back here too (the server would close on it)
      const bytes = alone === undefined ? 0 : pushedBytes(e)
      if (alone !== undefined && bytes > alone) {
        tooLarge = new SyncEventTooLargeError(e.name, e.seq, bytes, maxFrameBytes!)
        patch({ error: tooLarge })
        break
      }
      if (run.length > 0 && (e.seq !== run[run.length - 1]!.seq + 1 || run.length >= effectiveBatch)) send()
      run.push(e)
    }
    send()
  }

  /** Most bytes of one event in a frame of its own (undefined: the server gave no limit). */
  function aloneLimit(): number | undefined {
    return maxFrameBytes
      ? maxFrameBytes - LONE_OVERHEAD - utf8.encode(JSON.stringify(seam.clientId)).length
      : undefined
  }

  function rejectPending(seq: number, code: Exclude<RejectionCode, 'gap'>, reason: string) {
    const event = seam.pending().find((e) => e.seq === seq)
    if (!event) return // already gone (a duplicate outcome for an event we removed before)
    freshPending = undefined
    seam.reject(seq, reason)
    const error = new SyncEventRejectedError(event.name, seq, code, reason)
    const rejection: SyncRejection = { event, code, reason, error }
    for (const fn of [...rejectionListeners]) {
      try {
        fn(rejection)
      } catch {
        // A throwing listener must not stop the others or the sync loop.
      }
    }
  }

  // ---- pushing ----
  function schedulePush() {
    if (pushScheduled) return
    pushScheduled = true
    // Coalesce the commits of one tick into one batch.
    queueMicrotask(() => {
      pushScheduled = false
      guardStore(() => {
        refreshStatus(flushPushes(), false) // onPending already counted
      })
    })
  }

  /**
   * Sends what the window lets out. An event that cannot fit in a frame of the server's
   * limit even alone is not sent (the server would refuse the frame for ever): pushing
   * stops before it, the session stays open, the status says why.
   * @returns the status change it calls for (the error naming such an event, or clearing it)
   */
  function flushPushes(): Partial<SyncStatusSnapshot> {
    if (!conn || !welcomed || holding) return {}
    const batches = window.take(readPending(), {
      events: effectiveBatch,
      ...(maxFrameBytes
        ? { bytes: maxFrameBytes - FRAME_OVERHEAD, alone: aloneLimit()!, size: pushedBytes }
        : {}),
    })
    for (const batch of batches) {
      if (batch.events.length > largestPush) largestPush = batch.events.length
      conn.send({ t: 'push', id: batch.id, events: batch.events.map(toPushed) })
    }
    const over = window.oversize
    const was = tooLarge
    if (over) {
      // still held back: bring the error back if another one replaced it meanwhile
      if (was?.seq === over.event.seq) return writer.snapshot().error === was ? {} : { error: was }
      tooLarge = new SyncEventTooLargeError(over.event.name, over.event.seq, over.size, maxFrameBytes!)
      return { error: tooLarge }
    }
    // one held back by settleProcessed (seq ≤ lastSeq, outside the window) while still pending
    if (was && was.seq <= lastSeq && readPending().some((e) => e.seq === was.seq))
      return writer.snapshot().error === was ? {} : { error: was }
    tooLarge = undefined
    // gone from the queue (or the limit grew): the error it left no longer holds
    return was && writer.snapshot().error === was ? { error: null } : {}
  }

  // ---- heartbeat ----
  function armHeartbeat() {
    disarmHeartbeat()
    heartbeatTimer = clock.setTimeout(() => {
      heartbeatTimer = undefined
      if (!conn) return
      if (clock.now() - lastHeard > 2 * heartbeatMs) {
        patch({ error: new SyncConnectionError(transport.url, `no answer for ${2 * heartbeatMs} ms`) })
        dropConnection('heartbeat timeout')
        retry()
        return
      }
      conn.send({ t: 'ping', ts: clock.now() })
      armHeartbeat()
    }, heartbeatMs)
  }
  function disarmHeartbeat() {
    if (heartbeatTimer !== undefined) clock.clearTimeout(heartbeatTimer)
    heartbeatTimer = undefined
  }

  // ---- leading / following (browser tabs) ----
  function lead() {
    leading = true
    // Drop what was mirrored from the previous leader: from now on the status is ours.
    freshPending = undefined
    refreshStatus({ online: false, syncing: false })
    openConnection()
    return () => {
      // tell the followers before letting go, or they show this tab's last status
      // (online, syncing) until a new leader posts one
      patch({ online: false, syncing: false })
      leading = false
      reconnector.cancel()
      const c = conn
      if (c) c.close('sync stopped')
      conn = undefined
    }
  }
  function onTabMessage(message: TabMessage) {
    if (leading) {
      if (message.type === 'nudge') {
        // Another tab committed to the shared log: count again, or the push's status
        // would post the count from before it to every tab.
        freshPending = undefined
        knownPending = countPending(seam)
        schedulePush()
      }
      if (message.type === 'hello') patch({})
      return
    }
    if (message.type === 'status') {
      const next = deserialiseStatus(message.status)
      const had = writer.snapshot().error
      // the same error again (every status post carries it): keep the object, do not re-notify
      if (next.error && had && next.error.code === had.code && next.error.message === had.message)
        delete next.error
      writer.patch(next)
    }
  }

  const offPending = seam.onPending(() => {
    // The count is visible at once (the commit is local); the push waits for the microtask.
    if (leading && !seam.pendingCount) {
      // Kept for the push this commit schedules (only the leader pushes).
      freshPending = seam.pending()
      knownPending = freshPending.length
    } else {
      freshPending = undefined
      knownPending = countPending(seam)
    }
    // (not while an event too large to push holds the queue: nothing after it can go out)
    patch({ pendingCount: knownPending, ...(welcomed && !window.oversize ? { syncing: true } : {}) })
    if (leading) schedulePush()
    else if (tabs?.coordinated) tabs.post({ type: 'nudge' })
  })

  const client: SyncClient = {
    status: writer.status,
    storeId,
    get leading() {
      return leading
    },
    start() {
      if (disposed || started) return
      started = true
      terminal = false
      tabs = createTabLeader({
        storeId,
        ...(options.locks ? { locks: options.locks } : {}),
        coordinate: options.coordinateTabs !== false,
        ...(seam.whenOwner ? { eligible: () => seam.whenOwner!() } : {}),
        onLead: lead,
        onMessage: onTabMessage,
      })
    },
    stop() {
      if (!started) return
      started = false
      reconnector.cancel()
      tabs?.stop()
      tabs = undefined
      const c = conn
      conn = undefined
      welcomed = false
      disarmHeartbeat()
      c?.close('sync stopped')
      patch({ online: false, syncing: false })
    },
    reconnect() {
      if (!started || !leading) return
      terminal = false
      reconnector.cancel()
      reconnector.reset()
      if (conn) dropConnection('reconnect requested')
      openConnection()
    },
    onRejection(fn) {
      rejectionListeners.add(fn)
      return () => rejectionListeners.delete(fn)
    },
    whenSynced({ timeoutMs = 30_000 } = {}) {
      return new Promise<void>((resolve, reject) => {
        let off = () => {}
        const timer = clock.setTimeout(() => {
          off()
          reject(new SyncClientError('timeout', `not in sync after ${timeoutMs} ms (store ${storeId})`))
        }, timeoutMs)
        off = writer.status.all.subscribe((s) => {
          if (s.online && !s.syncing && s.pendingCount === 0) {
            clock.clearTimeout(timer)
            queueMicrotask(() => off())
            resolve()
          }
        })
      })
    },
    dispose() {
      client.stop()
      disposed = true
      offPending()
      rejectionListeners.clear()
    },
  }
  if (options.autoStart !== false) client.start()
  return client
}

function checkStore(store: SyncableStore | undefined): StoreSyncSeam {
  const holder = store as { sync?: StoreSyncSeam; syncState?: StoreSyncSeam } | undefined
  const seam = holder?.sync ?? holder?.syncState
  const required = ['pending', 'confirmedHead', 'applyUpstream', 'reject', 'onPending'] as const
  if (!seam || typeof seam !== 'object') {
    throw new SyncConfigError('store', 'expected a store with a sync seam (a @strata/store store)')
  }
  for (const name of required) {
    if (typeof seam[name] !== 'function') {
      throw new SyncConfigError('store', `store.sync.${name} is not a function`)
    }
  }
  if (typeof seam.clientId !== 'string' || seam.clientId.length === 0) {
    throw new SyncConfigError('store', 'store.sync.clientId is missing')
  }
  return seam
}

function transportFor(url: string | undefined): Transport {
  if (url === undefined) throw new SyncConfigError('url', 'missing: pass url or transport')
  if (typeof url !== 'string') throw new SyncConfigError('url', 'must be a string')
  if (/^wss?:\/\//i.test(url)) return webSocketTransport({ url })
  if (/^https?:\/\//i.test(url)) return httpTransport({ url })
  throw new SyncConfigError(
    'url',
    `must start with ws://, wss://, http:// or https://, got ${JSON.stringify(url)}`,
  )
}

function isStoreClosed(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'store_closed'
}

function countPending(seam: StoreSyncSeam): number {
  return seam.pendingCount ? seam.pendingCount() : seam.pending().length
}

const utf8 = /* @__PURE__ */ new TextEncoder()
/** UTF-8 bytes of one event in a push frame (with its comma). */
function pushedBytes(e: SyncEventRecord): number {
  return utf8.encode(JSON.stringify(toPushed(e))).length + 1
}

function toPushed(e: SyncEventRecord): PushedEvent {
  const out: PushedEvent = { name: e.name, args: e.args, clientId: e.clientId, seq: e.seq }
  if (e.ts !== undefined) out.ts = e.ts
  return out
}

interface SerialisedStatus extends Omit<SyncStatusSnapshot, 'error'> {
  error: {
    code: string
    message: string
    tooLarge?: [name: string, seq: number, bytes: number, max: number]
  } | null
}

function serialiseStatus(s: SyncStatusSnapshot): SerialisedStatus {
  const e = s.error
  if (!e) return { ...s, error: null }
  const error: SerialisedStatus['error'] = { code: e.code, message: e.message }
  // followers rebuild this one with its type and fields (the README's instanceof test)
  if (e instanceof SyncEventTooLargeError) error.tooLarge = [e.eventName, e.seq, e.bytes, e.maxFrameBytes]
  return { ...s, error }
}

function deserialiseStatus(raw: unknown): Partial<SyncStatusSnapshot> {
  const s = raw as Partial<SerialisedStatus> | null
  if (!s || typeof s !== 'object') return {}
  const out: Partial<SyncStatusSnapshot> = {}
  if (typeof s.online === 'boolean') out.online = s.online
  if (typeof s.syncing === 'boolean') out.syncing = s.syncing
  if (typeof s.pendingCount === 'number') out.pendingCount = s.pendingCount
  if (typeof s.lastSyncedAt === 'number') out.lastSyncedAt = s.lastSyncedAt
  if (s.error === null) out.error = null
  else if (s.error && typeof s.error.code === 'string') {
    const t = s.error.tooLarge
    out.error =
      Array.isArray(t) && t.length === 4
        ? new SyncEventTooLargeError(String(t[0]), Number(t[1]), Number(t[2]), Number(t[3]))
        : new SyncClientError(s.error.code, String(s.error.message))
  }
  return out
}
