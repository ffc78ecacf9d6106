import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIMITS, PROTOCOL_VERSION } from './constants.js'
import { checkPushClient, decodeClientFrame, decodeHttpPushBody, decodeServerFrame } from './decode.js'
import { encodeFrame } from './encode.js'
import { ProtocolError } from './errors.js'
import type { ClientMessage, ServerMessage } from './messages.js'

const ev = (seq: number, extra: Record<string, unknown> = {}) => ({
  name: 'v1.TodoCreated',
  args: { id: `t${seq}` },
  clientId: 'c1',
  seq,
  ...extra,
})

function errorOf(raw: Parameters<typeof decodeClientFrame>[0], opts = {}) {
  const r = decodeClientFrame(raw, opts)
  if (r.ok) throw new Error(`expected a decode error, got ${JSON.stringify(r.message)}`)
  expect(r.error).toBeInstanceOf(ProtocolError)
  return r.error
}

describe('decodeClientFrame — valid frames', () => {
  it('round-trips every client message through encodeFrame', () => {
    const messages: ClientMessage[] = [
      { t: 'hello', v: PROTOCOL_VERSION, storeId: 'user:ada', clientId: 'c1', cursor: 0 },
      {
        t: 'hello',
        v: PROTOCOL_VERSION,
        storeId: 'team:x',
        clientId: 'c1',
        cursor: 10,
        token: 'abc.def.ghi',
      },
      { t: 'push', id: 3, events: [ev(1), ev(2, { ts: 1700000000000 })] },
      { t: 'pull', cursor: 5 },
      { t: 'pull', cursor: 5, limit: 100, id: 9 },
      { t: 'ping', ts: 123.5 },
    ]
    for (const m of messages) {
      const r = decodeClientFrame(encodeFrame(m))
      expect(r).toEqual({ ok: true, message: m })
    }
  })

  it('accepts bytes, ArrayBuffer and fragment lists', () => {
    const text = encodeFrame({ t: 'ping', ts: 1 })
    const bytes = new TextEncoder().encode(text)
    expect(decodeClientFrame(bytes).ok).toBe(true)
    expect(decodeClientFrame(bytes.buffer.slice(0) as ArrayBuffer).ok).toBe(true)
    expect(decodeClientFrame([bytes.subarray(0, 4), bytes.subarray(4)]).ok).toBe(true)
  })

  it('drops unknown extra fields', () => {
    const r = decodeClientFrame(JSON.stringify({ t: 'ping', ts: 1, evil: true }))
    expect(r).toEqual({ ok: true, message: { t: 'ping', ts: 1 } })
  })

  it('keeps args of any JSON shape including null', () => {
    const r = decodeClientFrame(encodeFrame({ t: 'push', id: 0, events: [{ ...ev(1), args: null }] }))
    expect(r.ok && r.message.t === 'push' && r.message.events[0]?.args).toBe(null)
  })
})

describe('decodeClientFrame — malformed frames', () => {
  it('bad JSON', () => {
    expect(errorOf('{"t":"ping",').code).toBe('bad_json')
    expect(errorOf('').code).toBe('bad_json')
  })

  it('invalid UTF-8 bytes', () => {
    expect(errorOf(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])).code).toBe('bad_json')
  })

  it('not an object', () => {
    for (const text of ['[]', '1', 'null', '"hello"']) expect(errorOf(text).code).toBe('bad_frame')
  })

  it('missing or non-string t', () => {
    expect(errorOf('{}').code).toBe('bad_frame')
    expect(errorOf('{"t":5}').code).toBe('bad_frame')
  })

  it('unknown t', () => {
    const e = errorOf('{"t":"welcome","v":1,"head":0,"lastSeq":0}')
    expect(e.code).toBe('unknown_type')
    expect(e.path).toBe('t')
  })

  it('wrong field types name the field', () => {
    const cases: Array<[unknown, string]> = [
      [{ t: 'hello', v: 1, storeId: 5, clientId: 'c', cursor: 0 }, 'storeId'],
      [{ t: 'hello', v: 1, storeId: 's', clientId: '', cursor: 0 }, 'clientId'],
      [{ t: 'hello', v: 1, storeId: 's', clientId: 'c', cursor: -1 }, 'cursor'],
      [{ t: 'hello', v: 1, storeId: 's', clientId: 'c', cursor: 1.5 }, 'cursor'],
      [{ t: 'hello', v: 1, storeId: 's', clientId: 'c', cursor: 0, token: 7 }, 'token'],
      [{ t: 'hello', v: 1, storeId: 'a b', clientId: 'c', cursor: 0 }, 'storeId'],
      [{ t: 'push', events: [ev(1)] }, 'id'],
      [{ t: 'push', id: 1, events: {} }, 'events'],
      [{ t: 'push', id: 1, events: [] }, 'events'],
      [{ t: 'push', id: 1, events: [5] }, 'events.0'],
      [{ t: 'push', id: 1, events: [ev(1, { name: '' })] }, 'events.0.name'],
      [{ t: 'push', id: 1, events: [ev(0)] }, 'events.0.seq'],
      [{ t: 'push', id: 1, events: [ev(1, { seq: '1' })] }, 'events.0.seq'],
      [{ t: 'push', id: 1, events: [ev(1, { ts: 'now' })] }, 'events.0.ts'],
      [{ t: 'push', id: 1, events: [ev(1, { gseq: 4 })] }, 'events.0.gseq'],
      [{ t: 'push', id: 1, events: [ev(1), ev(3)] }, 'events.1.seq'],
      [{ t: 'push', id: 1, events: [ev(2), ev(1)] }, 'events.1.seq'],
      [{ t: 'push', id: 1, events: [ev(1), ev(2, { clientId: 'c2' })] }, 'events.1.clientId'],
      [{ t: 'pull', cursor: 'x' }, 'cursor'],
      [{ t: 'pull', cursor: 0, limit: 0 }, 'limit'],
      [{ t: 'ping' }, 'ts'],
      [{ t: 'ping', ts: null }, 'ts'],
    ]
    for (const [frame, path] of cases) {
      const e = errorOf(JSON.stringify(frame))
      expect([e.code, e.path], JSON.stringify(frame)).toEqual(['bad_field', path])
    }
  })

  it('a push event without args', () => {
    const { args: _args, ...noArgs } = ev(1)
    const e = errorOf(JSON.stringify({ t: 'push', id: 1, events: [noArgs] }))
    expect([e.code, e.path]).toEqual(['bad_field', 'events.0.args'])
  })

  it('unsupported protocol version', () => {
    const e = errorOf(JSON.stringify({ t: 'hello', v: 2, storeId: 's', clientId: 'c', cursor: 0 }))
    expect(e.code).toBe('unsupported_version')
  })

  it('oversize frames, as text and as bytes', () => {
    const big = JSON.stringify({ t: 'ping', ts: 1, pad: 'x'.repeat(2000) })
    expect(errorOf(big, { maxFrameBytes: 1000 }).code).toBe('too_large')
    expect(errorOf(new TextEncoder().encode(big), { maxFrameBytes: 1000 }).code).toBe('too_large')
    // multi-byte characters are counted in bytes, not UTF-16 units
    const wide = JSON.stringify({ t: 'ping', ts: 1, pad: '€'.repeat(400) })
    expect(wide.length).toBeLessThan(1000)
    expect(errorOf(wide, { maxFrameBytes: 1000 }).code).toBe('too_large')
  })

  it('too many events in one push', () => {
    const events = Array.from({ length: 11 }, (_, i) => ev(i + 1))
    expect(errorOf(JSON.stringify({ t: 'push', id: 1, events }), { maxEventsPerPush: 10 }).code).toBe(
      'too_large',
    )
  })

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array()), (input) => {
        const r = decodeClientFrame(input)
        expect(typeof r.ok).toBe('boolean')
      }),
      { numRuns: 500 },
    )
  })

  it('the default limit is LIMITS.maxFrameBytes', () => {
    const pad = 'x'.repeat(LIMITS.maxFrameBytes)
    expect(errorOf(JSON.stringify({ t: 'ping', ts: 1, pad })).code).toBe('too_large')
  })
})

describe('decodeServerFrame', () => {
  it('round-trips every server message', () => {
    const messages: ServerMessage[] = [
      { t: 'welcome', v: 1, head: 0, lastSeq: 0 },
      {
        t: 'welcome',
        v: 1,
        head: 9,
        lastSeq: 3,
        heartbeatMs: 15000,
        expiresAt: 1e12,
        limits: { maxFrameBytes: 10, maxEventsPerPush: 5 },
      },
      {
        t: 'events',
        events: [
          { ...ev(1), gseq: 7 },
          { ...ev(2), gseq: 8 },
        ],
        head: 8,
        more: false,
        id: 2,
      },
      {
        t: 'ack',
        id: 1,
        lastSeq: 3,
        results: [
          { seq: 1, ok: true, gseq: 4 },
          { seq: 2, ok: true, gseq: 5, duplicate: true },
          { seq: 3, ok: false, code: 'invalid', reason: 'bad title' },
        ],
      },
      { t: 'error', code: 'rate_limited', message: 'slow down', fatal: false, id: 4 },
      { t: 'pong', ts: 5 },
    ]
    for (const m of messages) expect(decodeServerFrame(encodeFrame(m))).toEqual({ ok: true, message: m })
  })

  it('refuses confirmed events without gseq or with gseq gaps', () => {
    const r1 = decodeServerFrame(JSON.stringify({ t: 'events', events: [ev(1)], head: 1 }))
    expect(!r1.ok && r1.error.path).toBe('events.0.gseq')
    const r2 = decodeServerFrame(
      JSON.stringify({
        t: 'events',
        events: [
          { ...ev(1), gseq: 1 },
          { ...ev(2), gseq: 3 },
        ],
        head: 3,
      }),
    )
    expect(!r2.ok && r2.error.path).toBe('events.1.gseq')
  })

  it('refuses unknown rejection codes and unknown types', () => {
    const r = decodeServerFrame(
      JSON.stringify({
        t: 'ack',
        id: 1,
        lastSeq: 1,
        results: [{ seq: 1, ok: false, code: 'nope', reason: '' }],
      }),
    )
    expect(!r.ok && r.error.path).toBe('results.0.code')
    const r2 = decodeServerFrame('{"t":"hello"}')
    expect(!r2.ok && r2.error.code).toBe('unknown_type')
  })

  it('maps unknown error codes from newer servers to internal', () => {
    const r = decodeServerFrame(JSON.stringify({ t: 'error', code: 'future_thing', message: 'x' }))
    expect(r.ok && r.message.t === 'error' && r.message.code).toBe('internal')
  })
})

describe('decodeHttpPushBody', () => {
  it('accepts a body whose events belong to clientId', () => {
    const r = decodeHttpPushBody(JSON.stringify({ clientId: 'c1', events: [ev(1), ev(2)] }))
    expect(r.ok && r.message.events.length).toBe(2)
  })

  it('refuses events of another client', () => {
    const r = decodeHttpPushBody(JSON.stringify({ clientId: 'c2', events: [ev(1)] }))
    expect(!r.ok && [r.error.code, r.error.path]).toEqual(['bad_field', 'events.0.clientId'])
  })
})

describe('checkPushClient', () => {
  it('names the first foreign event', () => {
    const push = { t: 'push' as const, id: 1, events: [ev(1), ev(2)] }
    expect(checkPushClient(push, 'c1')).toBeUndefined()
    expect(checkPushClient(push, 'c9')?.path).toBe('events.0.clientId')
  })
})
