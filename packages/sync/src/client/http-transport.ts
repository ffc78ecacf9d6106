/**
 * HTTP fallback transport, for environments without WebSockets (some proxies, serverless
 * runtimes). Speaks the protocol's HTTP endpoints with `fetch` and presents them to the
 * client as the same frame stream a WebSocket would give:
 *   hello → `GET /v1/stores/:id/status` (answers `welcome`), then a pull loop
 *           `GET /v1/stores/:id/pull?cursor=N` (answers `events`). When caught up it
 *           long-polls (`&wait=ms`: the server holds the request until something is
 *           committed) if the server announced `limits.maxPullWaitMs`, else it polls;
 *   push  → `POST /v1/stores/:id/push` (answers `ack`), followed by an immediate pull so
 *           the pushed events come back confirmed;
 *   ping  → answered locally with `pong` (HTTP has no idle connection to keep alive).
 * One pull runs at a time so `events` frames stay in gseq order.
 */
import { SyncConfigError } from '../errors.js'
import { CLOSE_CODES, type ClientMessage, type HelloMessage, type HttpPushBody } from '../protocol/index.js'
import type { Transport, TransportCloseInfo, TransportConnection, TransportHandlers } from './transport.js'

/**
 * HTTP statuses that end the emulated session, as the WebSocket close code the server
 * would have used, so the client applies one retry policy to both transports.
 */
const HTTP_CLOSE_CODES: Readonly<Record<number, number>> = {
  401: CLOSE_CODES.unauthorized,
  403: CLOSE_CODES.forbidden,
  409: CLOSE_CODES.clientIdTaken,
  413: CLOSE_CODES.tooLarge,
  429: CLOSE_CODES.rateLimited,
  503: CLOSE_CODES.goingAway,
}

/**
 * The subset of `fetch` used here.
 *
 * @example
 * ```ts
 * const f: FetchLike = (url, init) => fetch(url, init)
 * ```
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>

/**
 * Options of {@link httpTransport}.
 *
 * @example
 * ```ts
 * const options: HttpTransportOptions = { url: 'https://sync.example.com', pollIntervalMs: 2000 }
 * ```
 */
export interface HttpTransportOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8787`. */
  url: string
  /**
   * Long-poll: when caught up, ask the server to hold each pull up to this long (ms)
   * until something is committed — events arrive as soon as they are committed, one
   * request per change or per wait. Capped by the server's `maxPullWaitMs`; used only
   * when the server announces it. 0 turns long-polling off. Default 20000.
   */
  longPollMs?: number
  /** How long to wait between pulls when caught up and not long-polling, ms. Default 1000. */
  pollIntervalMs?: number
  /** Events per pull page. Default: the server's default page. */
  pullLimit?: number
  /**
   * Longest a request may take before the session is given up as dead (a half-open
   * connection) and redialled, ms; a long-poll gets its wait on top. Default 30000.
   */
  requestTimeoutMs?: number
  /** `fetch` implementation; default the global `fetch`. */
  fetch?: FetchLike
}

/**
 * Creates an HTTP push/pull transport.
 *
 * @param options - the server's base URL and polling tuning
 * @returns a {@link Transport} of kind `'http'`
 * @example
 * ```ts
 * const sync = createSyncClient({ store, transport: httpTransport({ url: 'http://127.0.0.1:8787', pollIntervalMs: 500 }) })
 * ```
 */
export function httpTransport(options: HttpTransportOptions): Transport {
  let base: URL
  try {
    base = new URL(options.url)
  } catch {
    throw new SyncConfigError('url', `not a valid URL: ${JSON.stringify(options.url)}`)
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new SyncConfigError(
      'url',
      `HTTP URL must start with http:// or https://, got ${JSON.stringify(options.url)}`,
    )
  }
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  if (!(Number.isFinite(pollIntervalMs) && pollIntervalMs > 0)) {
    throw new SyncConfigError('pollIntervalMs', `must be a positive number, got ${String(pollIntervalMs)}`)
  }
  const longPollMs = options.longPollMs ?? 20_000
  if (!(Number.isSafeInteger(longPollMs) && longPollMs >= 0)) {
    throw new SyncConfigError('longPollMs', `must be a non-negative integer, got ${String(longPollMs)}`)
  }
  const timeoutMs = options.requestTimeoutMs ?? 30_000
  if (!(timeoutMs > 0 && timeoutMs < 2 ** 31)) {
    throw new SyncConfigError('requestTimeoutMs', `must be a positive number, got ${String(timeoutMs)}`)
  }
  const doFetch: FetchLike | undefined =
    options.fetch ??
    (typeof globalThis.fetch === 'function' ? (globalThis.fetch.bind(globalThis) as FetchLike) : undefined)
  if (!doFetch) throw new SyncConfigError('fetch', 'no global fetch: pass options.fetch')
  const root = base.href.replace(/\/+$/, '')

  return {
    kind: 'http',
    url: options.url,
    connect(handlers: TransportHandlers): TransportConnection {
      const abort = new AbortController()
      let closed = false
      let session: { hello: HelloMessage; cursor: number } | undefined
      let pollTimer: ReturnType<typeof setTimeout> | undefined
      /** The wait of a long-poll (0: poll), from what the server announced. */
      let waitMs = 0
      /** Aborts the long-poll in flight (a push needs its own pull now). */
      let longPoll: AbortController | undefined

      const finish = (reason: string, local: boolean, error?: unknown, code?: number) => {
        if (closed) return
        closed = true
        abort.abort()
        longPoll?.abort()
        if (pollTimer) clearTimeout(pollTimer)
        const info: TransportCloseInfo = { reason, local }
        if (error !== undefined) info.error = error
        if (code !== undefined) info.code = code
        handlers.onClose(info)
      }
      const storePath = () => `${root}/v1/stores/${encodeURIComponent(session!.hello.storeId)}`
      const headers = (): Record<string, string> => {
        const h: Record<string, string> = { 'content-type': 'application/json' }
        if (session?.hello.token) h.authorization = `Bearer ${session.hello.token}`
        return h
      }
      /** One request; network failures end the "connection" like a dropped socket would. */
      const request = async (
        url: string,
        body?: string,
        signal: AbortSignal = abort.signal,
        extraMs = 0,
      ): Promise<string | undefined> => {
        // Each request has a deadline: a server or proxy that never answers (a half-open
        // connection) ends the session, which the client redials, instead of stalling it.
        const own = new AbortController()
        const cut = () => own.abort()
        if (signal.aborted) cut()
        signal.addEventListener('abort', cut)
        const limit = timeoutMs + extraMs
        let timedOut = false
        const timer = setTimeout(() => {
          timedOut = true
          own.abort()
        }, limit)
        try {
          const init: Parameters<FetchLike>[1] = {
            method: body === undefined ? 'GET' : 'POST',
            headers: headers(),
            signal: own.signal,
          }
          if (body !== undefined) init.body = body
          const res = await doFetch(url, init)
          const text = await res.text()
          if (closed) return undefined
          if (res.status >= 400) {
            // The server answers errors with an `error` frame body: deliver it, then end
            // the session; the client decides whether and when to retry by the close code.
            // (400 and 404 included: the same request again in this session would fail the same.)
            handlers.onMessage(text)
            const code =
              HTTP_CLOSE_CODES[res.status] ??
              (res.status >= 500 ? CLOSE_CODES.internalError : CLOSE_CODES.protocolError)
            finish(`HTTP ${res.status}`, false, undefined, code)
            return undefined
          }
          return text
        } catch (error) {
          if (timedOut) finish(`HTTP request got no answer in ${limit} ms`, false, error)
          // A long-poll we cut short ourselves is not a network failure.
          else if (!closed && !(signal !== abort.signal && signal.aborted))
            finish(`HTTP request failed: ${String(error)}`, false, error)
          return undefined
        } finally {
          clearTimeout(timer)
          signal.removeEventListener('abort', cut)
        }
      }

      /** Caught up: long-poll at once, or poll after the interval. */
      const schedulePoll = (delay = waitMs > 0 ? 0 : pollIntervalMs) => {
        if (closed) return
        if (pollTimer) clearTimeout(pollTimer)
        pollTimer = setTimeout(() => void pull(waitMs > 0), delay)
      }
      // Pulls run one after another (a chain), so `events` frames stay in gseq order and a
      // pull requested after a push always starts after that push committed.
      let chain: Promise<void> = Promise.resolve()
      const pullOnce = async (wait: boolean): Promise<void> => {
        if (closed || !session) return
        if (pollTimer) clearTimeout(pollTimer)
        const limit = options.pullLimit ? `&limit=${options.pullLimit}` : ''
        for (let first = true; ; first = false) {
          const held = wait && first ? new AbortController() : undefined
          let url = `${storePath()}/pull?cursor=${session.cursor}${limit}`
          if (held) {
            url += `&wait=${waitMs}`
            longPoll = held
          }
          const started = Date.now()
          const text = await request(url, undefined, held?.signal, held ? waitMs : 0)
          if (held && longPoll === held) longPoll = undefined
          // undefined: the session ended, or a push cut the long-poll short (its pull follows).
          if (closed || text === undefined) return
          const { last, more } = peekEvents(text)
          if (last !== undefined) session.cursor = last
          handlers.onMessage(text)
          // A held pull that came back empty well before its wait (a server restarting or
          // not honouring `wait`) is not retried at once: poll after the interval.
          if (held && last === undefined && Date.now() - started < waitMs / 2) {
            schedulePoll(pollIntervalMs)
            return
          }
          if (!more) break
        }
        schedulePoll()
      }
      const pull = (wait = false): Promise<void> => {
        if (!wait) longPoll?.abort()
        chain = chain.then(() => pullOnce(wait))
        return chain
      }

      const send = async (message: ClientMessage) => {
        if (closed) return
        switch (message.t) {
          case 'hello': {
            session = { hello: message, cursor: message.cursor }
            const text = await request(
              `${storePath()}/status?clientId=${encodeURIComponent(message.clientId)}`,
            )
            if (text === undefined) return
            waitMs = Math.min(longPollMs, announcedWait(text))
            handlers.onMessage(text)
            void pull()
            return
          }
          case 'push': {
            if (!session) return
            const body: HttpPushBody = {
              clientId: session.hello.clientId,
              events: message.events,
              id: message.id,
            }
            const text = await request(`${storePath()}/push`, JSON.stringify(body))
            if (text === undefined) return
            // Fetch the confirmed events before the ack, as a WebSocket server streams them first.
            await pull()
            handlers.onMessage(text)
            return
          }
          case 'pull':
            if (session) session.cursor = message.cursor
            void pull()
            return
          case 'ping':
            handlers.onMessage(JSON.stringify({ t: 'pong', ts: message.ts }))
            return
        }
      }

      // "Open" at once: the first request (hello → status) is the real reachability check.
      queueMicrotask(() => {
        if (!closed) handlers.onOpen()
      })
      return {
        send(message) {
          void send(message)
        },
        close(reason = 'closed by client') {
          finish(reason, true)
        },
      }
    },
  }
}

/** `limits.maxPullWaitMs` of a `welcome` body (0 when absent or not a count). */
function announcedWait(text: string): number {
  try {
    const wait = (JSON.parse(text) as { limits?: { maxPullWaitMs?: unknown } }).limits?.maxPullWaitMs
    return typeof wait === 'number' && Number.isSafeInteger(wait) && wait > 0 ? wait : 0
  } catch {
    return 0
  }
}

/** Reads the last gseq and `more` of an `events` body without trusting it (the client validates). */
function peekEvents(text: string): { last: number | undefined; more: boolean } {
  try {
    const o = JSON.parse(text) as { events?: Array<{ gseq?: unknown }>; more?: unknown }
    const events = Array.isArray(o.events) ? o.events : []
    const gseq = events[events.length - 1]?.gseq
    return { last: typeof gseq === 'number' ? gseq : undefined, more: o.more === true }
  } catch {
    return { last: undefined, more: false }
  }
}
