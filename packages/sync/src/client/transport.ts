/**
 * The transport seam: how frames travel between the sync client and the server. The
 * client speaks protocol frames (plain objects); a transport only moves them. Two
 * implementations: WebSocket (`websocket-transport.ts`, the default) and HTTP
 * push/pull polling (`http-transport.ts`, for environments without WebSockets).
 */
import type { ClientMessage, RawFrame } from '../protocol/index.js'

/**
 * Callbacks a transport reports to. Exactly one `onClose` ends every connection.
 *
 * @example
 * ```ts
 * const handlers: TransportHandlers = {
 *   onOpen: () => console.log('open'),
 *   onMessage: (data) => console.log(decodeServerFrame(data)),
 *   onClose: (info) => console.log('closed:', info.reason),
 * }
 * ```
 */
export interface TransportHandlers {
  /** The connection is open; frames may be sent. */
  onOpen(): void
  /** A frame arrived from the server, undecoded (the client decodes and validates it). */
  onMessage(data: RawFrame): void
  /** The connection ended (or never opened). `error` is set when it failed. */
  onClose(info: TransportCloseInfo): void
}

/**
 * Why a connection ended.
 *
 * @example
 * ```ts
 * const info: TransportCloseInfo = { reason: 'shutting_down', code: 1001, local: false }
 * ```
 */
export interface TransportCloseInfo {
  /** A human-readable reason (the server's close reason, or the local cause). */
  reason: string
  /** WebSocket close code when there is one. */
  code?: number
  /** The underlying error when the connection failed rather than closed. */
  error?: unknown
  /** True when this side called `close()`. */
  local: boolean
}

/**
 * One live connection.
 *
 * @example
 * ```ts
 * const conn: TransportConnection = transport.connect(handlers)
 * conn.send({ t: 'ping', ts: Date.now() })
 * conn.close('done')
 * ```
 */
export interface TransportConnection {
  /** Sends one protocol message; messages sent before `onOpen` or after close are dropped. */
  send(message: ClientMessage): void
  /** Closes the connection; `onClose` follows with `local: true`. */
  close(reason?: string): void
}

/**
 * Moves frames to and from one server URL. `connect` may be called again after a
 * connection closed (reconnect).
 *
 * @example
 * ```ts
 * const transport: Transport = webSocketTransport({ url: 'ws://127.0.0.1:8787/v1/sync' })
 * const conn = transport.connect({
 *   onOpen: () => conn.send({ t: 'ping', ts: Date.now() }),
 *   onMessage: (data) => console.log(decodeServerFrame(data)),
 *   onClose: (i) => console.log('closed', i.reason),
 * })
 * ```
 */
export interface Transport {
  /** `'websocket'` or `'http'`. */
  readonly kind: string
  /** The server URL this transport connects to (for error messages). */
  readonly url: string
  /** Opens a connection and reports to `handlers`. Never throws: failures arrive as `onClose`. */
  connect(handlers: TransportHandlers): TransportConnection
}
