/**
 * One WebSocket session on one store: hello/auth, ordered handling of push and pull,
 * the live stream (catch-up pages then new events, never overlapping or skipping a
 * gseq), heartbeats, token expiry and closing with a code and reason.
 *
 * Frames are handled strictly in arrival order (one promise chain); only `ping` is
 * answered out of band. The stream is a separate pump so a slow push never stalls it.
 */
import type { IncomingMessage } from 'node:http'
import {
  CLOSE_CODES,
  type ClientMessage,
  checkPushClient,
  decodeClientFrame,
  encodeFrame,
  type HelloMessage,
  PROTOCOL_VERSION,
  type PullMessage,
  type PushMessage,
  type ServerMessage,
  type SessionErrorCode,
  type WelcomeMessage,
} from '@strata/sync'
import { type RawData, WebSocket } from 'ws'
import type { AuthUser } from './auth/types.js'
import {
  authenticateRequest,
  authorizeAction,
  clientIdFree,
  clientIdTakenMessage,
  ingest,
  type ServerContext,
} from './context.js'
import type { Subscriber } from './hub.js'
import { TokenBucket } from './rate-limit.js'
import type { EncodedEvents } from './storage/storage.js'

type State = 'awaiting_hello' | 'opening' | 'open' | 'closed'

const HIGH_WATER_BYTES = 4 * 1024 * 1024

/**
 * Extracts a bearer token from an `Authorization` header.
 * @internal
 */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null
  return m?.[1]?.trim()
}

/**
 * A WebSocket session. Created by the server for every accepted socket.
 * @internal
 */
export class Session implements Subscriber {
  state: State = 'awaiting_hello'
  storeId = ''
  clientId = ''
  user: AuthUser | null = null
  /** Highest gseq streamed to this socket. */
  sentHead = 0
  /** Highest seq the server processed for this client (as far as this session knows). */
  lastSeq = 0
  lastSeen = Date.now()
  readonly remote: string
  private queue: Promise<void> = Promise.resolve()
  private pumping: Promise<void> | undefined
  private again = false
  private waiters: Array<{ gseq: number; resolve: () => void }> = []
  private readonly bucket: TokenBucket
  private rateStrikes = 0
  private expiry: ReturnType<typeof setTimeout> | undefined
  private prefetched: { after: number; page: Promise<EncodedEvents> } | undefined
  /** Pushes of this session between validation and commit (their fan-out reaches this socket last). */
  private ingesting = 0
  private deferred = false

  constructor(
    private readonly ctx: ServerContext,
    private readonly ws: WebSocket,
    private readonly request: IncomingMessage,
    private readonly onClosed: (s: Session) => void,
  ) {
    this.remote = request.socket.remoteAddress ?? ''
    this.bucket = new TokenBucket(ctx.limits.framesPerSecond, ctx.limits.frameBurst)
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary))
    ws.on('pong', () => {
      this.lastSeen = Date.now()
    })
    ws.on('close', () => this.cleanup())
    ws.on('error', (error) =>
      ctx.logger.warn('socket error', { storeId: this.storeId, clientId: this.clientId, error }),
    )
  }

  /** Events committed to this store: stream what this socket has not seen yet. */
  wake(): void {
    if (this.state !== 'open') return
    if (this.ingesting > 0) {
      // This session's own push is being committed: the hub wakes every subscriber in one
      // synchronous loop, so deferring to a microtask sends to everyone else first. The
      // pusher already shows its events optimistically (decision 0044).
      if (!this.deferred) {
        this.deferred = true
        queueMicrotask(() => {
          this.deferred = false
          this.stream()
        })
      }
      return
    }
    this.stream()
  }

  private stream(): void {
    if (this.state !== 'open') return
    if (this.pumping) {
      this.again = true
      return
    }
    // Fan-out fast path: a caught-up socket gets the shared live frame right here, with
    // no pump (no promise per subscriber per commit).
    if (this.sendLive()) return
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined
    })
  }

  /** Heartbeat tick: close if silent too long, else probe with a protocol ping. */
  heartbeat(now: number): void {
    if (this.state === 'closed') return
    if (now - this.lastSeen > this.ctx.heartbeat.timeoutMs) {
      this.fail(
        'heartbeat_timeout',
        `nothing received for ${this.ctx.heartbeat.timeoutMs} ms`,
        CLOSE_CODES.heartbeatTimeout,
      )
      return
    }
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping()
  }

  /**
   * Finishes in-flight work (bounded by `timeoutMs`), then closes with 1001.
   * @param timeoutMs - how long to wait for in-flight pushes
   */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.state === 'closed') return
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([this.queue, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))])
    clearTimeout(timer)
    this.fail('shutting_down', 'server is shutting down', CLOSE_CODES.goingAway)
  }

  /** Sends an error frame, then closes the socket with `code`. */
  fail(code: SessionErrorCode, message: string, closeCode: number): void {
    if (this.state === 'closed') return
    this.send({ t: 'error', code, message, fatal: true })
    this.ctx.logger.info('session closed by server', {
      storeId: this.storeId,
      clientId: this.clientId,
      code,
      closeCode,
      message,
    })
    // Close reasons are limited to 123 bytes by the WebSocket protocol.
    this.ws.close(closeCode, code.slice(0, 120))
    this.cleanup()
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeFrame(message))
  }

  private onMessage(data: RawData, _isBinary: boolean): void {
    if (this.state === 'closed') return
    this.lastSeen = Date.now()
    if (!this.bucket.take()) {
      this.rateStrikes++
      if (this.rateStrikes > this.ctx.limits.frameBurst)
        this.fail('rate_limited', 'too many frames', CLOSE_CODES.rateLimited)
      else this.send({ t: 'error', code: 'rate_limited', message: 'too many frames; this one was dropped' })
      return
    }
    this.rateStrikes = 0
    const decoded = decodeClientFrame(data as Buffer | Buffer[] | ArrayBuffer, {
      maxFrameBytes: this.ctx.limits.maxFrameBytes,
      maxEventsPerPush: this.ctx.limits.maxEventsPerPush,
    })
    if (!decoded.ok) {
      this.ctx.metrics.protocolErrors.inc()
      const err = decoded.error
      if (this.state !== 'open' || err.code === 'unsupported_version') {
        const close =
          err.code === 'unsupported_version'
            ? CLOSE_CODES.unsupportedVersion
            : err.code === 'too_large'
              ? CLOSE_CODES.tooLarge
              : CLOSE_CODES.protocolError
        this.fail(err.code, err.message, close)
      } else this.send({ t: 'error', code: err.code, message: err.message })
      return
    }
    const msg = decoded.message
    if (msg.t === 'ping') {
      this.send({ t: 'pong', ts: msg.ts })
      return
    }
    if (msg.t === 'hello') {
      if (this.state !== 'awaiting_hello') {
        this.fail('protocol', 'hello sent twice', CLOSE_CODES.protocolError)
        return
      }
      this.state = 'opening'
    } else if (this.state === 'awaiting_hello') {
      this.fail('protocol', `expected hello, got ${msg.t}`, CLOSE_CODES.protocolError)
      return
    }
    this.queue = this.queue.then(() => this.handle(msg)).catch((error: unknown) => this.internal(error))
  }

  private internal(error: unknown, id?: number): void {
    this.ctx.logger.error('session failure', { storeId: this.storeId, clientId: this.clientId, error })
    if (id === undefined) this.fail('internal', 'internal server error', CLOSE_CODES.internalError)
    else
      this.send({
        t: 'error',
        code: 'internal',
        message: 'internal server error; nothing was recorded for this request',
        id,
      })
  }

  private async handle(msg: ClientMessage): Promise<void> {
    if (this.state === 'closed') return
    if (msg.t === 'hello') await this.open(msg)
    else if (msg.t === 'push') await this.push(msg)
    else if (msg.t === 'pull') await this.pull(msg)
  }

  private async open(hello: HelloMessage): Promise<void> {
    this.storeId = hello.storeId
    this.clientId = hello.clientId
    const token = hello.token ?? bearerToken(this.request.headers.authorization)
    const auth = await authenticateRequest(this.ctx, token, this.request.headers, hello.storeId, 'ws')
    if (!auth.ok) {
      this.ctx.metrics.authFailures.inc()
      this.fail(
        auth.code,
        auth.message,
        auth.code === 'token_expired' ? CLOSE_CODES.tokenExpired : CLOSE_CODES.unauthorized,
      )
      return
    }
    this.user = auth.user
    const denied = await authorizeAction(this.ctx, this.user, hello.storeId, 'read')
    if (denied) {
      this.ctx.metrics.authFailures.inc()
      this.fail('forbidden', denied, CLOSE_CODES.forbidden)
      return
    }
    if (this.ctx.shuttingDown) {
      this.fail('shutting_down', 'server is shutting down', CLOSE_CODES.goingAway)
      return
    }
    // A client id bound to another user could push nothing here: say so now, before its
    // lastSeq is handed out (the push transaction is what enforces the binding).
    if (!(await clientIdFree(this.ctx, this.user, hello.storeId, hello.clientId))) {
      this.ctx.metrics.authFailures.inc()
      this.fail(
        'client_id_taken',
        clientIdTakenMessage(hello.storeId, hello.clientId),
        CLOSE_CODES.clientIdTaken,
      )
      return
    }
    this.lastSeq = await this.ctx.storage.lastSeq(hello.storeId, hello.clientId)
    let head = await this.ctx.hub.join(hello.storeId, this)
    // `lastSeq` was read first, so every event it counts has a gseq at or below storage's
    // head now; this node's head can trail storage (another node's commit not announced
    // or not fetched yet). Catch up, so `welcome.head` covers `lastSeq` (the client relies
    // on it, decision 0065) and a cursor another node gave is not taken for "ahead".
    if ((this.state as State) !== 'closed') {
      const stored = await this.ctx.storage.head(hello.storeId)
      if (stored > head) head = await this.ctx.hub.reach(hello.storeId, stored)
    }
    if ((this.state as State) === 'closed') {
      this.ctx.hub.leave(hello.storeId, this)
      return
    }
    if (hello.cursor > head) {
      this.fail(
        'cursor_ahead',
        `cursor ${hello.cursor} is ahead of the server's head ${head} for ${hello.storeId}`,
        CLOSE_CODES.cursorAhead,
      )
      return
    }
    this.sentHead = hello.cursor
    const welcome: WelcomeMessage = {
      t: 'welcome',
      v: PROTOCOL_VERSION,
      head,
      lastSeq: this.lastSeq,
      heartbeatMs: this.ctx.heartbeat.intervalMs,
      limits: {
        maxFrameBytes: this.ctx.limits.maxFrameBytes,
        maxEventsPerPush: this.ctx.limits.maxEventsPerPush,
      },
    }
    const expiresAt = this.user?.expiresAt
    if (expiresAt !== undefined) {
      welcome.expiresAt = expiresAt
      // setTimeout overflows past ~24.8 days; a longer-lived token is checked again at the next tick.
      const arm = (): void => {
        const left = expiresAt - Date.now()
        if (left <= 0) this.fail('token_expired', 'token expired', CLOSE_CODES.tokenExpired)
        else this.expiry = setTimeout(arm, Math.min(left, 2_000_000_000))
      }
      this.expiry = setTimeout(arm, Math.min(Math.max(0, expiresAt - Date.now()), 2_000_000_000))
    }
    this.state = 'open'
    this.send(welcome)
    this.ctx.logger.info('session open', {
      storeId: this.storeId,
      clientId: this.clientId,
      user: this.user?.id,
      cursor: hello.cursor,
      head,
    })
    this.wake()
  }

  private async push(msg: PushMessage): Promise<void> {
    const mismatch = checkPushClient(msg, this.clientId)
    if (mismatch) {
      this.send({ t: 'error', code: 'client_mismatch', message: mismatch.message, id: msg.id })
      return
    }
    if (this.ctx.shuttingDown) {
      this.send({
        t: 'error',
        code: 'shutting_down',
        message: 'server is shutting down; push again after reconnecting',
        id: msg.id,
      })
      return
    }
    let result: Awaited<ReturnType<typeof ingest>>
    this.ingesting++
    try {
      result = await ingest(this.ctx, this.user, this.storeId, this.clientId, msg.events, this.lastSeq)
    } catch (error) {
      this.internal(error, msg.id)
      return
    } finally {
      this.ingesting--
    }
    if (result.taken) {
      // Terminal: pushing again under this id cannot succeed (nothing was recorded).
      this.fail(
        'client_id_taken',
        clientIdTakenMessage(this.storeId, this.clientId),
        CLOSE_CODES.clientIdTaken,
      )
      return
    }
    this.lastSeq = Math.max(this.lastSeq, result.lastSeq)
    let top = 0
    for (const r of result.results) if (r.ok && r.gseq > top) top = r.gseq
    // The pushed events reach this socket through the stream before their ack (docs/protocol.md).
    if (top > this.sentHead) await this.waitSent(top)
    this.send({ t: 'ack', id: msg.id, lastSeq: result.lastSeq, results: result.results })
  }

  private async pull(msg: PullMessage): Promise<void> {
    const limit = Math.min(msg.limit ?? this.ctx.limits.defaultPullLimit, this.ctx.limits.maxPullLimit)
    const head = this.ctx.hub.head(this.storeId) ?? (await this.ctx.storage.head(this.storeId))
    const events = await this.ctx.hub.read(this.storeId, msg.cursor, limit)
    const last = events[events.length - 1]
    this.send({
      t: 'events',
      events,
      head,
      ...(last && last.gseq < head ? { more: true } : {}),
      ...(msg.id !== undefined ? { id: msg.id } : {}),
    })
    this.ctx.metrics.eventsOut.inc(events.length)
  }

  private waitSent(gseq: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ gseq, resolve })
      this.wake()
    })
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.again = false
        for (;;) {
          const head = this.ctx.hub.head(this.storeId)
          if (head === undefined || this.sentHead >= head || this.state !== 'open') break
          if (this.sendLive()) continue
          const pageSize = this.ctx.limits.defaultPullLimit
          const ahead = this.prefetched
          this.prefetched = undefined
          const page = await (ahead && ahead.after === this.sentHead
            ? ahead.page
            : this.ctx.hub.readEncoded(this.storeId, this.sentHead, pageSize))
          if (page.count === 0 || page.last !== this.sentHead + page.count || this.state !== 'open') break
          this.sentHead = page.last
          if (this.sentHead < head) {
            // Catching up: read the next page while this one is being sent.
            const next = this.ctx.hub.readEncoded(this.storeId, this.sentHead, pageSize)
            next.catch(() => {})
            this.prefetched = { after: this.sentHead, page: next }
          }
          const more = this.sentHead < head ? ',"more":true' : ''
          const frame = `{"t":"events","events":${page.json},"head":${head}${more}}`
          this.ctx.metrics.eventsOut.inc(page.count)
          if (this.ws.bufferedAmount > HIGH_WATER_BYTES)
            await new Promise<void>((r) => this.ws.send(frame, () => r()))
          else this.ws.send(frame)
          this.release()
        }
      } while (this.again)
    } catch (error) {
      this.internal(error)
    }
    this.release()
  }

  /**
   * Sends the hub's shared live frame when it is exactly what this socket needs next.
   * The frame is UTF-8 bytes encoded once for all subscribers, sent as a text frame.
   * @returns true when the socket is now at the head
   */
  private sendLive(): boolean {
    const live = this.ctx.hub.liveFrame(this.storeId, this.sentHead, this.ctx.limits.defaultPullLimit)
    if (!live) return false
    this.sentHead = live.upTo
    this.ctx.metrics.eventsOut.inc(live.count)
    // The shared complete frame straight to the socket: `ws` would frame it again for
    // every subscriber. Safe because nothing is ever queued inside `ws` here (no
    // compression: its sender writes every frame to the socket at once), so frames stay
    // in order; only while the WebSocket is open (never after a close frame).
    const socket = this.request.socket
    if (this.ws.readyState === WebSocket.OPEN && socket.writable) socket.write(live.wire)
    else this.ws.send(live.frame, { binary: false })
    this.release()
    return true
  }

  private release(): void {
    if (this.waiters.length === 0) return
    const done = this.state !== 'open'
    this.waiters = this.waiters.filter((w) => {
      if (done || w.gseq <= this.sentHead) {
        w.resolve()
        return false
      }
      return true
    })
  }

  private cleanup(): void {
    if (this.state === 'closed') return
    const wasJoined = this.state === 'open' || this.state === 'opening'
    this.state = 'closed'
    if (this.expiry) clearTimeout(this.expiry)
    if (wasJoined && this.storeId) this.ctx.hub.leave(this.storeId, this)
    this.release()
    this.onClosed(this)
  }
}
