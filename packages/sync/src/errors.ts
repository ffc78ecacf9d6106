/**
 * Typed errors of the sync client. Every failure the client can report carries a stable
 * `code` string (for programs) and a message naming what failed and where (for people).
 * The wire protocol module (`./protocol/`) owns its own frame errors; these are the
 * client-side ones: configuration, connection, server-reported and rejection errors.
 */

/**
 * Base class of every error the sync client reports, through the `error` status store,
 * thrown from `createSyncClient`, or delivered to `onRejection` listeners.
 *
 * @example
 * ```ts
 * client.status.error.subscribe((err) => {
 *   if (err instanceof SyncClientError) console.warn(err.code, err.message)
 * })
 * ```
 */
export class SyncClientError extends Error {
  /** Stable machine-readable code, e.g. `'connection'`, `'config'`, `'server'`. */
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/**
 * Thrown by `createSyncClient` (and transports) when an option is invalid: nothing is
 * started, no connection is opened.
 *
 * @example
 * ```ts
 * try { createSyncClient({ store, url: 'ftp://x', batchSize: 0 }) }
 * catch (e) { if (e instanceof SyncConfigError) console.error(e.option, e.message) }
 * ```
 */
export class SyncConfigError extends SyncClientError {
  /** The option that was wrong, e.g. `'batchSize'`. */
  readonly option: string
  constructor(option: string, message: string) {
    super('config', `sync client option "${option}": ${message}`)
    this.option = option
  }
}

/**
 * The connection to the sync server failed or dropped. Local data stays usable; the
 * client reconnects with backoff and pushes what is pending afterwards.
 *
 * @example
 * ```ts
 * const err = client.status.error.get()
 * if (err instanceof SyncConnectionError) showBanner(`offline: ${err.url}`)
 * ```
 */
export class SyncConnectionError extends SyncClientError {
  /** The server URL the client tried to reach. */
  readonly url: string
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super('connection', `sync connection to ${url}: ${message}`, options)
    this.url = url
  }
}

/**
 * The server sent an `error` frame (auth failure, forbidden store, rate limit, …) or a
 * frame the client could not understand. `serverCode` is the server's own code.
 *
 * @example
 * ```ts
 * const err = client.status.error.get()
 * if (err instanceof SyncServerError && err.serverCode === 'unauthorized') relogin()
 * ```
 */
export class SyncServerError extends SyncClientError {
  /** The code the server reported (e.g. `'unauthorized'`, `'forbidden'`, `'bad_frame'`). */
  readonly serverCode: string
  /** True when the server closes the session after this error. */
  readonly fatal: boolean
  constructor(serverCode: string, message: string, fatal: boolean) {
    super('server', `sync server error ${serverCode}: ${message}`)
    this.serverCode = serverCode
    this.fatal = fatal
  }
}

/**
 * A pending event the server refused. The client removes it from the local store
 * (rolling its effects back and replaying the events after it) and tells the app.
 *
 * @example
 * ```ts
 * client.onRejection((rejection) => {
 *   toast(`"${rejection.event.name}" was refused: ${rejection.error.reason}`)
 * })
 * ```
 */
export class SyncEventRejectedError extends SyncClientError {
  /** The event's name, e.g. `'v1.ProjectCreated'`. */
  readonly eventName: string
  /** The event's per-client sequence number. */
  readonly seq: number
  /** The server's rejection code (e.g. `'invalid'`, `'forbidden'`). */
  readonly rejectionCode: string
  /** The server's human-readable reason. */
  readonly reason: string
  constructor(eventName: string, seq: number, rejectionCode: string, reason: string) {
    super('rejected', `event ${eventName} (seq ${seq}) rejected by server: ${rejectionCode}: ${reason}`)
    this.eventName = eventName
    this.seq = seq
    this.rejectionCode = rejectionCode
    this.reason = reason
  }
}

/**
 * A pending event too large for the server: encoded, it does not fit in one push frame
 * of the server's `welcome.limits.maxFrameBytes` (a push frame adds up to 1 KiB around
 * its events). The client does not send it and pushes nothing after it (seqs reach the
 * server in order), but keeps the session open: other clients' events still arrive, and
 * a later session whose server announces a larger limit pushes it and what follows.
 * The event stays pending and counted in `pendingCount`; `syncing` is false while
 * nothing else is under way. The client never drops it on its own, and the store has no
 * way to discard a pending event the server has not seen: `store.sync.reject` is for
 * events the server refused, and using it here would leave a hole in the seqs that the
 * server refuses every later event for (`gap`). Raise the server's limit, or keep events
 * small (store large payloads elsewhere and commit a reference).
 *
 * @example
 * ```ts
 * const err = client.status.error.get()
 * if (err instanceof SyncEventTooLargeError)
 *   alert(`"${err.eventName}" is ${err.bytes} bytes; the server takes ${err.maxFrameBytes}`)
 * ```
 */
export class SyncEventTooLargeError extends SyncClientError {
  /** The event's name, e.g. `'v1.FileAttached'`. */
  readonly eventName: string
  /** The event's per-client sequence number. */
  readonly seq: number
  /** The event's encoded size in a push frame (UTF-8 JSON bytes). */
  readonly bytes: number
  /** The server's frame limit (`welcome.limits.maxFrameBytes`). */
  readonly maxFrameBytes: number
  constructor(eventName: string, seq: number, bytes: number, maxFrameBytes: number) {
    super(
      'event_too_large',
      `event ${eventName} (seq ${seq}) is ${bytes} bytes, too large for the server's maxFrameBytes ${maxFrameBytes}: it and later events stay pending`,
    )
    this.eventName = eventName
    this.seq = seq
    this.bytes = bytes
    this.maxFrameBytes = maxFrameBytes
  }
}
