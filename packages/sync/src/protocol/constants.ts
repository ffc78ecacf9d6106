/**
 * Protocol constants: the version number, size limits and WebSocket close codes that
 * client and server must agree on. Changing a value here is a protocol change: bump
 * {@link PROTOCOL_VERSION} and document it in `docs/protocol.md`.
 */

/**
 * The wire protocol version spoken by this module. Sent in `hello` and `welcome`.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION } from '@strata/sync'
 * socket.send(encodeFrame({ t: 'hello', v: PROTOCOL_VERSION, storeId, clientId, cursor: 0 }))
 * ```
 */
export const PROTOCOL_VERSION = 1 as const

/**
 * Default limits. A server may configure lower or higher values; it announces the ones
 * it enforces in `welcome.limits`.
 *
 * @example
 * ```ts
 * import { LIMITS } from '@strata/sync'
 * const batch = pending.slice(0, LIMITS.maxEventsPerPush)
 * ```
 */
export const LIMITS = {
  /** Largest accepted frame (UTF-8 bytes of the JSON text). */
  maxFrameBytes: 1_048_576,
  /** Most events in one `push`. */
  maxEventsPerPush: 1_000,
  /** Most events the server sends in one `events` frame. */
  maxPullLimit: 5_000,
  /** Page size when `pull.limit` is absent. */
  defaultPullLimit: 2_000,
  /**
   * Longest an HTTP pull with `wait` is held open when there is nothing new (ms): below
   * the 30–60 s idle timeouts of common proxies and load balancers.
   */
  maxPullWaitMs: 25_000,
  /** Longest event name. */
  maxEventNameLength: 256,
  /** Longest store id / client id. */
  maxIdLength: 256,
  /** Longest auth token. */
  maxTokenLength: 16_384,
} as const

/**
 * Heartbeat timing defaults (milliseconds). The client sends `ping` every
 * `intervalMs`; the server closes a connection that sent nothing for `timeoutMs`.
 *
 * @example
 * ```ts
 * import { HEARTBEAT } from '@strata/sync'
 * setInterval(() => socket.send(encodeFrame({ t: 'ping', ts: Date.now() })), HEARTBEAT.intervalMs)
 * ```
 */
export const HEARTBEAT = {
  intervalMs: 15_000,
  timeoutMs: 45_000,
} as const

/**
 * WebSocket close codes used by the server (4000–4999 is the application range).
 * A client should NOT reconnect automatically after `unauthorized`, `forbidden`,
 * `clientIdTaken` or `unsupportedVersion` without new credentials / a new client id / a
 * new build; it should reconnect with backoff after every other code.
 *
 * @example
 * ```ts
 * import { CLOSE_CODES } from '@strata/sync'
 * socket.onclose = (e) => { if (e.code === CLOSE_CODES.tokenExpired) refreshToken() }
 * ```
 */
export const CLOSE_CODES = {
  /** Server is shutting down or restarting; reconnect with backoff. */
  goingAway: 1001,
  /** A frame failed to decode, or messages came in the wrong order. */
  protocolError: 4400,
  /** No or invalid credentials. */
  unauthorized: 4401,
  /** The session's token expired; reconnect with a fresh token. */
  tokenExpired: 4402,
  /** The user may not read this store. */
  forbidden: 4403,
  /** Nothing received for longer than the heartbeat timeout. */
  heartbeatTimeout: 4408,
  /** The client's cursor is ahead of the server's head (server data was reset). */
  cursorAhead: 4409,
  /** The client id is bound to another user of this store; sync under a new client id. */
  clientIdTaken: 4410,
  /** A frame exceeded the size limit. */
  tooLarge: 4413,
  /** The client sent `hello` with a protocol version the server does not speak. */
  unsupportedVersion: 4426,
  /** Too many frames; reconnect after a pause. */
  rateLimited: 4429,
  /** Unexpected server failure. */
  internalError: 4500,
} as const

/**
 * Union of the numeric close codes in {@link CLOSE_CODES}.
 *
 * @example
 * ```ts
 * const code: CloseCode = CLOSE_CODES.tokenExpired
 * ```
 */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES]
