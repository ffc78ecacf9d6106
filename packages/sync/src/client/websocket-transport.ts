/**
 * WebSocket transport: JSON text frames over one socket. Uses the global `WebSocket`
 * (browsers, Deno, Bun, Node ≥ 22) and falls back to the `ws` package in older Node,
 * loaded lazily so browser bundles never include it.
 */
import { SyncConfigError } from '../errors.js'
import { encodeFrame, type RawFrame } from '../protocol/index.js'
import type { Transport, TransportCloseInfo, TransportConnection, TransportHandlers } from './transport.js'

/**
 * The subset of the WebSocket API this transport uses (browser `WebSocket` and `ws` both have it).
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws'
 * const socket: WebSocketLike = new WebSocket('ws://127.0.0.1:8787/v1/sync')
 * ```
 */
export interface WebSocketLike {
  readonly readyState: number
  binaryType: string
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

/**
 * A WebSocket constructor.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws'
 * const Ctor: WebSocketConstructor = WebSocket
 * ```
 */
export type WebSocketConstructor = new (url: string) => WebSocketLike

/**
 * Options of {@link webSocketTransport}.
 *
 * @example
 * ```ts
 * const options: WebSocketTransportOptions = { url: 'wss://sync.example.com/v1/sync' }
 * ```
 */
export interface WebSocketTransportOptions {
  /** `ws://` or `wss://` URL of the server's sync endpoint. */
  url: string
  /** WebSocket implementation; default: global `WebSocket`, else the `ws` package. */
  WebSocket?: WebSocketConstructor
}

const OPEN = 1

let wsPackage: Promise<WebSocketConstructor> | undefined

/**
 * Module names loaded only in Node. Kept in an object (not a string literal or `const`)
 * so browser bundlers cannot resolve, inline or bundle them.
 */
const nodeOnly: { ws: string } = { ws: 'ws' }

/** Loads `ws` once. */
function loadWsPackage(): Promise<WebSocketConstructor> {
  wsPackage ??= (
    import(/* @vite-ignore */ /* webpackIgnore: true */ nodeOnly.ws) as Promise<{
      WebSocket: WebSocketConstructor
    }>
  ).then((m) => m.WebSocket)
  return wsPackage
}

/**
 * Creates a WebSocket transport.
 *
 * @param options - the server URL and optionally a WebSocket implementation
 * @returns a {@link Transport} of kind `'websocket'`
 * @example
 * ```ts
 * const client = createSyncClient({ store, transport: webSocketTransport({ url: 'ws://127.0.0.1:8787/v1/sync' }) })
 * ```
 */
export function webSocketTransport(options: WebSocketTransportOptions): Transport {
  const { url } = options
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new SyncConfigError('url', `not a valid URL: ${JSON.stringify(url)}`)
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new SyncConfigError(
      'url',
      `WebSocket URL must start with ws:// or wss://, got ${JSON.stringify(url)}`,
    )
  }
  const globalWs = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  const explicit = options.WebSocket ?? globalWs

  return {
    kind: 'websocket',
    url,
    connect(handlers: TransportHandlers): TransportConnection {
      let socket: WebSocketLike | undefined
      let closed = false
      let closedLocally = false
      let failure: unknown
      const finish = (info: TransportCloseInfo) => {
        if (closed) return
        closed = true
        handlers.onClose(info)
      }
      const attach = (Ctor: WebSocketConstructor) => {
        if (closed) return
        try {
          socket = new Ctor(url)
        } catch (error) {
          finish({ reason: `cannot open WebSocket: ${String(error)}`, error, local: false })
          return
        }
        // Browsers deliver binary frames as Blob by default, which would need an async read.
        socket.binaryType = 'arraybuffer'
        socket.onopen = () => {
          if (!closed) handlers.onOpen()
        }
        socket.onmessage = (event) => {
          if (!closed) handlers.onMessage(event.data as RawFrame)
        }
        socket.onerror = (event) => {
          failure = (event as { error?: unknown }).error ?? event
        }
        socket.onclose = (event) => {
          const info: TransportCloseInfo = {
            reason: event.reason || (failure ? errorText(failure) : `closed with code ${event.code}`),
            code: event.code,
            local: closedLocally,
          }
          if (failure !== undefined && !closedLocally) info.error = failure
          finish(info)
        }
      }
      if (explicit) attach(explicit)
      else
        loadWsPackage().then(attach, (error: unknown) =>
          finish({
            reason: `no WebSocket implementation (install "ws"): ${String(error)}`,
            error,
            local: false,
          }),
        )

      return {
        send(message) {
          if (!closed && socket && socket.readyState === OPEN) socket.send(encodeFrame(message))
        },
        close(reason = 'closed by client') {
          if (closed) return
          closedLocally = true
          if (socket) {
            try {
              socket.close(1000, reason)
            } catch {
              // already closing: onclose still follows
            }
            // The socket reports onclose asynchronously; report now so callers can reconnect at once.
            socket.onopen = socket.onmessage = socket.onclose = null
            // Keep an error listener: `ws` reports a handshake aborted by this close as an
            // 'error' event on a later tick, and an EventEmitter with no listener throws it.
            socket.onerror = () => {}
          }
          finish({ reason, code: 1000, local: true })
        },
      }
    },
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message
  const message = (error as { message?: unknown }).message
  return typeof message === 'string' ? message : 'WebSocket error'
}
