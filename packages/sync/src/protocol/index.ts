/**
 * The Strata sync wire protocol (version 1): message types, decoder, encoder, limits.
 * Shared by the client sync processor and `@strata/server`. Spec: `docs/protocol.md`.
 */
export { CLOSE_CODES, type CloseCode, HEARTBEAT, LIMITS, PROTOCOL_VERSION } from './constants.js'
export {
  checkPushClient,
  type DecodeOptions,
  type DecodeResult,
  decodeClientFrame,
  decodeHttpPushBody,
  decodeServerFrame,
  type RawFrame,
} from './decode.js'
export { encodeFrame } from './encode.js'
export { ProtocolError } from './errors.js'
export type {
  AckMessage,
  AckResult,
  ClientMessage,
  ConfirmedEvent,
  ErrorMessage,
  EventsMessage,
  HelloMessage,
  HttpPushBody,
  PingMessage,
  PongMessage,
  ProtocolErrorCode,
  PullMessage,
  PushedEvent,
  PushMessage,
  RejectionCode,
  ServerLimits,
  ServerMessage,
  SessionErrorCode,
  WelcomeMessage,
} from './messages.js'
