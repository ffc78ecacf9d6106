/**
 * Decoders: turn an untrusted frame (string or bytes) into a typed message, or a
 * {@link ProtocolError} naming what is wrong and where. Every field is checked; unknown
 * extra fields are dropped so nothing unvalidated reaches the caller.
 * Browser-safe: no node: imports.
 */
import { LIMITS, PROTOCOL_VERSION } from './constants.js'
import { ProtocolError } from './errors.js'
import type {
  AckMessage,
  AckResult,
  ClientMessage,
  ConfirmedEvent,
  ErrorMessage,
  EventsMessage,
  HelloMessage,
  HttpPushBody,
  PullMessage,
  PushedEvent,
  PushMessage,
  ServerMessage,
  SessionErrorCode,
  WelcomeMessage,
} from './messages.js'

/**
 * Result of a decode: the message, or the reason it was refused.
 *
 * @example
 * ```ts
 * const r: DecodeResult<ClientMessage> = decodeClientFrame(text)
 * ```
 */
export type DecodeResult<T> = { ok: true; message: T } | { ok: false; error: ProtocolError }

/**
 * Options of the decoders.
 *
 * @example
 * ```ts
 * decodeClientFrame(text, { maxFrameBytes: 64 * 1024, maxEventsPerPush: 100 })
 * ```
 */
export interface DecodeOptions {
  /** Largest accepted frame in UTF-8 bytes. Default {@link LIMITS.maxFrameBytes}. */
  maxFrameBytes?: number
  /** Most events per push. Default {@link LIMITS.maxEventsPerPush}. */
  maxEventsPerPush?: number
}

/**
 * A frame as a WebSocket library may deliver it (browser: string or ArrayBuffer; `ws`:
 * Buffer or Buffer[]).
 *
 * @example
 * ```ts
 * const frame: RawFrame = new TextEncoder().encode('{"t":"ping","ts":1}')
 * ```
 */
export type RawFrame = string | Uint8Array | ArrayBuffer | readonly Uint8Array[]

type Obj = Record<string, unknown>

const encoder = new TextEncoder()
const utf8 = new TextDecoder('utf-8', { fatal: true })

function fail(code: ProtocolError['code'], message: string, path = ''): never {
  throw new ProtocolError(code, message, path)
}

function frameText(raw: RawFrame, maxBytes: number): string {
  if (typeof raw === 'string') {
    // A UTF-16 code unit encodes to at most 3 UTF-8 bytes: skip the exact count when safe.
    if (raw.length * 3 > maxBytes && encoder.encode(raw).length > maxBytes) {
      fail('too_large', `frame exceeds ${maxBytes} bytes`)
    }
    return raw
  }
  let bytes: Uint8Array
  if (raw instanceof ArrayBuffer) bytes = new Uint8Array(raw)
  else if (raw instanceof Uint8Array) bytes = raw
  else {
    let total = 0
    for (const part of raw) total += part.length
    if (total > maxBytes) fail('too_large', `frame exceeds ${maxBytes} bytes`)
    bytes = new Uint8Array(total)
    let at = 0
    for (const part of raw) {
      bytes.set(part, at)
      at += part.length
    }
  }
  if (bytes.length > maxBytes) fail('too_large', `frame exceeds ${maxBytes} bytes`)
  try {
    return utf8.decode(bytes)
  } catch {
    return fail('bad_json', 'frame is not valid UTF-8')
  }
}

function parseObject(text: string): Obj {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    fail('bad_json', `frame is not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  return asObject(value, '', 'bad_frame')
}

function asObject(value: unknown, path: string, code: ProtocolError['code'] = 'bad_field'): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(code, 'expected an object', path)
  }
  return value as Obj
}

function str(o: Obj, key: string, path: string, max: number): string {
  const v = o[key]
  if (typeof v !== 'string') fail('bad_field', `expected a string, got ${typeName(v)}`, join(path, key))
  if (v.length === 0) fail('bad_field', 'must not be empty', join(path, key))
  if (v.length > max) fail('bad_field', `longer than ${max} characters`, join(path, key))
  return v
}

function id(o: Obj, key: string, path: string): string {
  const v = str(o, key, path, LIMITS.maxIdLength)
  // Ids appear in URLs, SQL parameters and logs: refuse whitespace and control characters.
  if (hasUnsafeChar(v))
    fail('bad_field', 'must not contain whitespace or control characters', join(path, key))
  return v
}

function hasUnsafeChar(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c <= 0x20 || c === 0x7f || c === 0xa0 || c === 0x2028 || c === 0x2029) return true
  }
  return false
}

function int(o: Obj, key: string, path: string, min: number): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    fail('bad_field', `expected an integer, got ${typeName(v)}`, join(path, key))
  }
  if (v < min) fail('bad_field', `must be ≥ ${min}`, join(path, key))
  return v
}

function finite(o: Obj, key: string, path: string): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail('bad_field', `expected a number, got ${typeName(v)}`, join(path, key))
  return v
}

function optional<T>(o: Obj, key: string, read: () => T): T | undefined {
  return o[key] === undefined ? undefined : read()
}

function bool(o: Obj, key: string, path: string): boolean {
  const v = o[key]
  if (typeof v !== 'boolean') fail('bad_field', `expected a boolean, got ${typeName(v)}`, join(path, key))
  return v
}

function array(o: Obj, key: string, path: string): unknown[] {
  const v = o[key]
  if (!Array.isArray(v)) fail('bad_field', `expected an array, got ${typeName(v)}`, join(path, key))
  return v
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`
}

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

function pushedEvent(value: unknown, path: string): PushedEvent {
  const o = asObject(value, path)
  const name = str(o, 'name', path, LIMITS.maxEventNameLength)
  if (!('args' in o)) fail('bad_field', 'missing args (use null for no payload)', join(path, 'args'))
  const e: PushedEvent = {
    name,
    args: o.args,
    clientId: id(o, 'clientId', path),
    seq: int(o, 'seq', path, 1),
  }
  const ts = optional(o, 'ts', () => finite(o, 'ts', path))
  if (ts !== undefined) e.ts = ts
  return e
}

function confirmedEvent(value: unknown, path: string): ConfirmedEvent {
  const e = pushedEvent(value, path)
  const o = value as Obj
  return { ...e, gseq: int(o, 'gseq', path, 1) }
}

/**
 * Validates a list of pushed events: 1..max events, each well-formed, all from
 * `clientId` when given, seq strictly consecutive.
 */
function pushedEvents(o: Obj, path: string, maxEvents: number, clientId?: string): PushedEvent[] {
  const list = array(o, 'events', path)
  const at = join(path, 'events')
  if (list.length === 0) fail('bad_field', 'a push needs at least one event', at)
  if (list.length > maxEvents) fail('too_large', `more than ${maxEvents} events in one push`, at)
  const events: PushedEvent[] = []
  for (let i = 0; i < list.length; i++) {
    const e = pushedEvent(list[i], join(at, i))
    if ('gseq' in (list[i] as Obj))
      fail('bad_field', 'a pushed event must not carry gseq', join(join(at, i), 'gseq'))
    if (clientId !== undefined && e.clientId !== clientId) {
      fail(
        'bad_field',
        `clientId ${e.clientId} differs from the pushing client ${clientId}`,
        join(join(at, i), 'clientId'),
      )
    }
    const prev = events[i - 1]
    if (prev !== undefined) {
      if (e.clientId !== prev.clientId)
        fail('bad_field', 'all events of a push must share one clientId', join(join(at, i), 'clientId'))
      if (e.seq !== prev.seq + 1)
        fail('bad_field', `seq must be consecutive (expected ${prev.seq + 1})`, join(join(at, i), 'seq'))
    }
    events.push(e)
  }
  return events
}

function decodeClientObject(o: Obj, opts: DecodeOptions): ClientMessage {
  const maxEvents = opts.maxEventsPerPush ?? LIMITS.maxEventsPerPush
  switch (o.t) {
    case 'hello': {
      const v = int(o, 'v', '', 1)
      if (v !== PROTOCOL_VERSION)
        fail(
          'unsupported_version',
          `protocol version ${v} is not supported (server speaks ${PROTOCOL_VERSION})`,
          'v',
        )
      const m: HelloMessage = {
        t: 'hello',
        v,
        storeId: id(o, 'storeId', ''),
        clientId: id(o, 'clientId', ''),
        cursor: int(o, 'cursor', '', 0),
      }
      const token = optional(o, 'token', () => str(o, 'token', '', LIMITS.maxTokenLength))
      if (token !== undefined) m.token = token
      return m
    }
    case 'push': {
      const m: PushMessage = { t: 'push', id: int(o, 'id', '', 0), events: pushedEvents(o, '', maxEvents) }
      return m
    }
    case 'pull': {
      const m: PullMessage = { t: 'pull', cursor: int(o, 'cursor', '', 0) }
      const limit = optional(o, 'limit', () => int(o, 'limit', '', 1))
      if (limit !== undefined) m.limit = limit
      const pid = optional(o, 'id', () => int(o, 'id', '', 0))
      if (pid !== undefined) m.id = pid
      return m
    }
    case 'ping':
      return { t: 'ping', ts: finite(o, 'ts', '') }
    default:
      return typeof o.t === 'string'
        ? fail('unknown_type', `unknown message type ${JSON.stringify(o.t).slice(0, 64)}`, 't')
        : fail('bad_frame', 'missing message type t', 't')
  }
}

const SESSION_CODES: ReadonlySet<string> = new Set<SessionErrorCode>([
  'bad_json',
  'bad_frame',
  'unknown_type',
  'bad_field',
  'too_large',
  'unsupported_version',
  'protocol',
  'unauthorized',
  'token_expired',
  'forbidden',
  'rate_limited',
  'cursor_ahead',
  'client_mismatch',
  'client_id_taken',
  'not_found',
  'shutting_down',
  'heartbeat_timeout',
  'internal',
])
const REJECTION_CODES: ReadonlySet<string> = new Set(['invalid', 'unknown_event', 'forbidden', 'gap'])

function ackResult(value: unknown, path: string): AckResult {
  const o = asObject(value, path)
  const seq = int(o, 'seq', path, 1)
  const ok = bool(o, 'ok', path)
  const duplicate = optional(o, 'duplicate', () => bool(o, 'duplicate', path))
  let r: AckResult
  if (ok) r = { seq, ok, gseq: int(o, 'gseq', path, 1) }
  else {
    const code = str(o, 'code', path, 64)
    if (!REJECTION_CODES.has(code)) fail('bad_field', `unknown rejection code ${code}`, join(path, 'code'))
    r = { seq, ok, code: code as 'invalid', reason: typeof o.reason === 'string' ? o.reason : '' }
  }
  if (duplicate !== undefined) r.duplicate = duplicate
  return r
}

function decodeServerObject(o: Obj): ServerMessage {
  switch (o.t) {
    case 'welcome': {
      const m: WelcomeMessage = {
        t: 'welcome',
        v: int(o, 'v', '', 1),
        head: int(o, 'head', '', 0),
        lastSeq: int(o, 'lastSeq', '', 0),
      }
      const hb = optional(o, 'heartbeatMs', () => int(o, 'heartbeatMs', '', 1))
      if (hb !== undefined) m.heartbeatMs = hb
      const exp = optional(o, 'expiresAt', () => finite(o, 'expiresAt', ''))
      if (exp !== undefined) m.expiresAt = exp
      if (o.limits !== undefined) {
        const l = asObject(o.limits, 'limits')
        m.limits = {
          maxFrameBytes: int(l, 'maxFrameBytes', 'limits', 1),
          maxEventsPerPush: int(l, 'maxEventsPerPush', 'limits', 1),
        }
        const wait = optional(l, 'maxPullWaitMs', () => int(l, 'maxPullWaitMs', 'limits', 0))
        if (wait !== undefined) m.limits.maxPullWaitMs = wait
      }
      return m
    }
    case 'events': {
      const list = array(o, 'events', '')
      const events: ConfirmedEvent[] = []
      for (let i = 0; i < list.length; i++) {
        const e = confirmedEvent(list[i], join('events', i))
        const prev = events[i - 1]
        if (prev !== undefined && e.gseq !== prev.gseq + 1)
          fail('bad_field', `gseq must be consecutive (expected ${prev.gseq + 1})`, `events.${i}.gseq`)
        events.push(e)
      }
      const m: EventsMessage = { t: 'events', events, head: int(o, 'head', '', 0) }
      const more = optional(o, 'more', () => bool(o, 'more', ''))
      if (more !== undefined) m.more = more
      const pid = optional(o, 'id', () => int(o, 'id', '', 0))
      if (pid !== undefined) m.id = pid
      return m
    }
    case 'ack': {
      const list = array(o, 'results', '')
      const m: AckMessage = {
        t: 'ack',
        id: int(o, 'id', '', 0),
        lastSeq: int(o, 'lastSeq', '', 0),
        results: list.map((r, i) => ackResult(r, join('results', i))),
      }
      return m
    }
    case 'error': {
      const code = str(o, 'code', '', 64)
      const m: ErrorMessage = {
        t: 'error',
        // Unknown codes from a newer server degrade to 'internal' instead of failing the frame.
        code: SESSION_CODES.has(code) ? (code as SessionErrorCode) : 'internal',
        message: typeof o.message === 'string' ? o.message : '',
      }
      const fatal = optional(o, 'fatal', () => bool(o, 'fatal', ''))
      if (fatal !== undefined) m.fatal = fatal
      const eid = optional(o, 'id', () => int(o, 'id', '', 0))
      if (eid !== undefined) m.id = eid
      return m
    }
    case 'pong':
      return { t: 'pong', ts: finite(o, 'ts', '') }
    default:
      return typeof o.t === 'string'
        ? fail('unknown_type', `unknown message type ${JSON.stringify(o.t).slice(0, 64)}`, 't')
        : fail('bad_frame', 'missing message type t', 't')
  }
}

function attempt<T>(fn: () => T): DecodeResult<T> {
  try {
    return { ok: true, message: fn() }
  } catch (e) {
    if (e instanceof ProtocolError) return { ok: false, error: e }
    throw e
  }
}

/**
 * Decodes one frame sent by a client (used by the server). Never throws for bad input.
 *
 * @param raw - the frame as received (text or bytes)
 * @param options - size limits
 * @returns the typed message, or a {@link ProtocolError}
 * @example
 * ```ts
 * const r = decodeClientFrame(data)
 * if (!r.ok) socket.close(CLOSE_CODES.protocolError, r.error.message)
 * else if (r.message.t === 'push') handlePush(r.message)
 * ```
 */
export function decodeClientFrame(raw: RawFrame, options: DecodeOptions = {}): DecodeResult<ClientMessage> {
  return attempt(() =>
    decodeClientObject(parseObject(frameText(raw, options.maxFrameBytes ?? LIMITS.maxFrameBytes)), options),
  )
}

/**
 * Decodes one frame sent by a server (used by the client). Never throws for bad input.
 *
 * @param raw - the frame as received (text or bytes)
 * @param options - size limit (servers may send frames up to their own limit)
 * @returns the typed message, or a {@link ProtocolError}
 * @example
 * ```ts
 * socket.onmessage = (e) => {
 *   const r = decodeServerFrame(e.data)
 *   if (r.ok && r.message.t === 'events') applyUpstream(r.message.events)
 * }
 * ```
 */
export function decodeServerFrame(raw: RawFrame, options: DecodeOptions = {}): DecodeResult<ServerMessage> {
  // Catch-up pages can hold many events: the client accepts frames up to 64 × the push limit.
  return attempt(() =>
    decodeServerObject(parseObject(frameText(raw, options.maxFrameBytes ?? LIMITS.maxFrameBytes * 64))),
  )
}

/**
 * Decodes the JSON body of `POST /v1/stores/:storeId/push` (HTTP fallback).
 *
 * @param raw - the request body
 * @param options - size limits
 * @returns the typed body, or a {@link ProtocolError}
 * @example
 * ```ts
 * const r = decodeHttpPushBody(await readBody(req))
 * if (!r.ok) return reply(400, { t: 'error', code: r.error.code, message: r.error.message })
 * ```
 */
export function decodeHttpPushBody(raw: RawFrame, options: DecodeOptions = {}): DecodeResult<HttpPushBody> {
  return attempt(() => {
    const o = parseObject(frameText(raw, options.maxFrameBytes ?? LIMITS.maxFrameBytes))
    const clientId = id(o, 'clientId', '')
    const body: HttpPushBody = {
      clientId,
      events: pushedEvents(o, '', options.maxEventsPerPush ?? LIMITS.maxEventsPerPush, clientId),
    }
    const pid = optional(o, 'id', () => int(o, 'id', '', 0))
    if (pid !== undefined) body.id = pid
    return body
  })
}

/**
 * Checks that every event of a push belongs to the session's client. Used by the server
 * after `hello` fixed the clientId.
 *
 * @param push - a decoded push
 * @param clientId - the session's client
 * @returns a {@link ProtocolError} for the first foreign event, or undefined
 * @example
 * ```ts
 * const err = checkPushClient(msg, session.clientId)
 * if (err) send({ t: 'error', code: err.code, message: err.message, id: msg.id })
 * ```
 */
export function checkPushClient(push: PushMessage, clientId: string): ProtocolError | undefined {
  const i = push.events.findIndex((e) => e.clientId !== clientId)
  if (i < 0) return undefined
  return new ProtocolError(
    'bad_field',
    `clientId ${push.events[i]?.clientId} differs from the session's client ${clientId}`,
    `events.${i}.clientId`,
  )
}
