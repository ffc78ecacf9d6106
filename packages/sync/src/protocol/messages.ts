/**
 * Message types of the Strata sync protocol, version 1 (JSON text frames). This file
 * owns only the shapes; `decode.ts` validates untrusted input into them and
 * `encode.ts` turns them into frames. The prose specification is `docs/protocol.md`.
 *
 * Glossary:
 * - storeId  — the unit of sync and of authorization (`user:<id>`, `team:<id>`, …).
 * - clientId — one replica of a store (persisted per store file on the client).
 * - seq      — per (storeId, clientId) sequence number of a client's synced events,
 *              1, 2, 3 … gap-free. Rejected events keep their number.
 * - gseq     — global sequence number the server assigns per store, 1, 2, 3 … gap-free.
 * - cursor   — the highest gseq a client has applied (0 = nothing).
 * - head     — the highest gseq the server has committed for a store.
 * - lastSeq  — the highest seq the server has processed (applied OR rejected) for a client.
 */

/**
 * An event as a client pushes it: not yet ordered by the server (`gseq` absent).
 *
 * @example
 * ```ts
 * const e: PushedEvent = { name: 'v1.TodoCreated', args: { id: 't1' }, clientId: 'c1', seq: 1, ts: Date.now() }
 * ```
 */
export interface PushedEvent {
  /** Versioned event name, e.g. `v1.TodoCreated`. */
  name: string
  /** The validated payload (JSON). */
  args: unknown
  /** The client that committed it. */
  clientId: string
  /** Per-client sequence number. */
  seq: number
  /** Commit time in ms, informational only. */
  ts?: number
}

/**
 * An event confirmed by the server: it carries the global order `gseq`.
 *
 * @example
 * ```ts
 * const e: ConfirmedEvent = { name: 'v1.TodoCreated', args: { id: 't1' }, clientId: 'c1', seq: 1, gseq: 42 }
 * ```
 */
export interface ConfirmedEvent extends PushedEvent {
  /** Global, gap-free sequence number in the store. */
  gseq: number
}

/**
 * Opens a session on one store. Must be the first frame on a WebSocket.
 *
 * @example
 * ```ts
 * const hello: HelloMessage = { t: 'hello', v: 1, storeId: 'user:ada', clientId: 'c1', cursor: 0, token: jwt }
 * ```
 */
export interface HelloMessage {
  t: 'hello'
  /** Protocol version, {@link PROTOCOL_VERSION}. */
  v: number
  storeId: string
  clientId: string
  /** Highest gseq the client has applied; the server streams everything after it. */
  cursor: number
  /** Bearer token (e.g. a JWT) when the server requires authentication. */
  token?: string
}

/**
 * A batch of the client's pending events, seq ascending and consecutive.
 *
 * @example
 * ```ts
 * const push: PushMessage = { t: 'push', id: 1, events: [{ name: 'v1.TodoCreated', args: {}, clientId: 'c1', seq: 1 }] }
 * ```
 */
export interface PushMessage {
  t: 'push'
  /** Client-chosen id echoed in the `ack`. */
  id: number
  events: PushedEvent[]
}

/**
 * Asks for confirmed events after `cursor` (one page). Not needed on WebSocket after
 * `hello` (the server streams), but useful to re-sync without reconnecting.
 *
 * @example
 * ```ts
 * const pull: PullMessage = { t: 'pull', cursor: 120, limit: 500 }
 * ```
 */
export interface PullMessage {
  t: 'pull'
  cursor: number
  limit?: number
  /** Optional id echoed in the answering `events` frame. */
  id?: number
}

/**
 * Heartbeat from the client; the server answers with `pong` carrying the same `ts`.
 *
 * @example
 * ```ts
 * const ping: PingMessage = { t: 'ping', ts: Date.now() }
 * ```
 */
export interface PingMessage {
  t: 'ping'
  ts: number
}

/**
 * Every frame a client may send.
 *
 * @example
 * ```ts
 * function kind(m: ClientMessage): string { return m.t }
 * ```
 */
export type ClientMessage = HelloMessage | PushMessage | PullMessage | PingMessage

/**
 * Limits a server enforces, announced in `welcome`.
 *
 * @example
 * ```ts
 * const limits: ServerLimits = { maxFrameBytes: 1_048_576, maxEventsPerPush: 1000 }
 * ```
 */
export interface ServerLimits {
  maxFrameBytes: number
  maxEventsPerPush: number
  /**
   * HTTP fallback: the longest `wait` a pull may ask for (ms). Absent or 0: the server
   * answers every pull at once, so an HTTP client polls instead of long-polling.
   */
  maxPullWaitMs?: number
}

/**
 * Answer to `hello`: the session is open.
 *
 * @example
 * ```ts
 * const w: WelcomeMessage = { t: 'welcome', v: 1, head: 10, lastSeq: 3 }
 * ```
 */
export interface WelcomeMessage {
  t: 'welcome'
  v: number
  /** The store's current head gseq. */
  head: number
  /** Highest seq the server has processed for this client: re-push from lastSeq + 1. */
  lastSeq: number
  /** How often the server expects a `ping` (ms). */
  heartbeatMs?: number
  /** Limits the server enforces. */
  limits?: ServerLimits
  /** When the session's credentials expire (ms since epoch); the server closes then. */
  expiresAt?: number
}

/**
 * Confirmed events in gseq order: an answer to `pull` or part of the live stream.
 * On one connection consecutive `events` frames never overlap and never skip a gseq.
 *
 * @example
 * ```ts
 * const e: EventsMessage = { t: 'events', events: [], head: 0 }
 * ```
 */
export interface EventsMessage {
  t: 'events'
  events: ConfirmedEvent[]
  /** The store's head when the frame was built. */
  head: number
  /** More events after this page are available (catch-up still running). */
  more?: boolean
  /** The `pull.id` this frame answers, if any. */
  id?: number
}

/**
 * Outcome of one pushed event. `ok: false` results are final (recorded; re-pushing
 * returns the same outcome) except `code: 'gap'`, which records nothing.
 *
 * @example
 * ```ts
 * const r: AckResult = { seq: 4, ok: false, code: 'invalid', reason: 'args.title: expected string' }
 * ```
 */
export type AckResult =
  | { seq: number; ok: true; gseq: number; duplicate?: boolean }
  | { seq: number; ok: false; code: RejectionCode; reason: string; duplicate?: boolean }

/**
 * Why one event was refused.
 * - `invalid` — args failed the event's schema (or a materializer check).
 * - `unknown_event` — the server's schema has no synced event of that name.
 * - `forbidden` — the authorize hook refused the write.
 * - `gap` — seq > lastSeq + 1; nothing recorded, re-push from `ack.lastSeq + 1`.
 *
 * @example
 * ```ts
 * const final = (code: RejectionCode) => code !== 'gap'
 * ```
 */
export type RejectionCode = 'invalid' | 'unknown_event' | 'forbidden' | 'gap'

/**
 * Answer to `push`, sent after the push transaction committed durably. On WebSocket the
 * confirmed events of the push are streamed (`events`) BEFORE the ack.
 *
 * @example
 * ```ts
 * const a: AckMessage = { t: 'ack', id: 1, lastSeq: 1, results: [{ seq: 1, ok: true, gseq: 7 }] }
 * ```
 */
export interface AckMessage {
  t: 'ack'
  id: number
  /** Highest seq the server has now processed for this client. */
  lastSeq: number
  results: AckResult[]
}

/**
 * Session-level error codes carried by `error` frames (and HTTP error bodies).
 *
 * @example
 * ```ts
 * const retry = (code: SessionErrorCode) => code === 'rate_limited' || code === 'shutting_down'
 * ```
 */
export type SessionErrorCode =
  | ProtocolErrorCode
  | 'protocol'
  | 'unauthorized'
  | 'token_expired'
  | 'forbidden'
  | 'rate_limited'
  | 'cursor_ahead'
  | 'client_mismatch'
  | 'client_id_taken'
  | 'not_found'
  | 'shutting_down'
  | 'heartbeat_timeout'
  | 'internal'

/**
 * A problem with the session or one request. `fatal: true` means the server closes the
 * socket right after it. `id` names the push/pull it answers, if any.
 *
 * @example
 * ```ts
 * const e: ErrorMessage = { t: 'error', code: 'rate_limited', message: 'slow down', id: 3 }
 * ```
 */
export interface ErrorMessage {
  t: 'error'
  code: SessionErrorCode
  message: string
  fatal?: boolean
  id?: number
}

/**
 * Heartbeat answer.
 *
 * @example
 * ```ts
 * const p: PongMessage = { t: 'pong', ts: 1700000000000 }
 * ```
 */
export interface PongMessage {
  t: 'pong'
  ts: number
}

/**
 * Every frame a server may send.
 *
 * @example
 * ```ts
 * function isAck(m: ServerMessage): m is AckMessage { return m.t === 'ack' }
 * ```
 */
export type ServerMessage = WelcomeMessage | EventsMessage | AckMessage | ErrorMessage | PongMessage

/**
 * Body of `POST /v1/stores/:storeId/push` (HTTP fallback). Answered with an
 * {@link AckMessage} (`id` echoes the body's `id`, default 0).
 *
 * @example
 * ```ts
 * const body: HttpPushBody = { clientId: 'c1', events: [{ name: 'v1.X', args: {}, clientId: 'c1', seq: 1 }] }
 * ```
 */
export interface HttpPushBody {
  clientId: string
  events: PushedEvent[]
  id?: number
}

/**
 * Codes of {@link ProtocolError}: why a frame could not be decoded.
 *
 * @example
 * ```ts
 * const code: ProtocolErrorCode = 'bad_field'
 * ```
 */
export type ProtocolErrorCode =
  | 'bad_json'
  | 'bad_frame'
  | 'unknown_type'
  | 'bad_field'
  | 'too_large'
  | 'unsupported_version'
