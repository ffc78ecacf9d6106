/**
 * Encoder: turns a typed message into a JSON text frame. Kept separate from the
 * decoders so senders never pay for validation of what they built themselves.
 */
import type { ClientMessage, ServerMessage } from './messages.js'

/**
 * Serialises one protocol message to a text frame.
 *
 * @param message - a client or server message
 * @returns the JSON text to send
 * @example
 * ```ts
 * socket.send(encodeFrame({ t: 'ping', ts: Date.now() }))
 * ```
 */
export function encodeFrame(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message)
}
