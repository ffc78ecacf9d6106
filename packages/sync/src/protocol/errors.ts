/**
 * Typed errors of the protocol module. A decoder never throws anything else.
 */
import type { ProtocolErrorCode } from './messages.js'

/**
 * A frame failed to decode: bad JSON, unknown message type, a field of the wrong type,
 * too large, or an unsupported protocol version. `path` names the offending field.
 *
 * @example
 * ```ts
 * const r = decodeClientFrame('{"t":"push"}')
 * if (!r.ok) console.log(r.error.code, r.error.path) // 'bad_field' 'id'
 * ```
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  /** Machine-readable reason. */
  readonly code: ProtocolErrorCode
  /** Dotted path of the bad field (e.g. `events.3.seq`), or `''` for the whole frame. */
  readonly path: string

  /**
   * @param code - why decoding failed
   * @param message - human-readable detail
   * @param path - the offending field
   */
  constructor(code: ProtocolErrorCode, message: string, path = '') {
    super(path ? `${message} (at ${path})` : message)
    this.code = code
    this.path = path
  }
}
