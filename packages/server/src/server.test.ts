import { Socket } from 'node:net'
import { join as joinPath } from 'node:path'
import { CLOSE_CODES } from '@strata/sync'
import WebSocket from 'ws'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { event, join, localServers, TestClient, waitFor } from '../test/harness.js'
import { silentLogger } from './logger.js'
import { type SyncServer, startSyncServer } from './server.js'

const { dir, start, track } = localServers('strata-server-')
async function open(s: SyncServer, storeId: string, clientId: string, cursor = 0) {
  const r = await join(s.wsUrl, storeId, clientId, { cursor })
  track(r.c)
  return r
}
async function raw(s: SyncServer, options?: WebSocket.ClientOptions) {
  return track(await TestClient.open(s.wsUrl, options))
}

describe('WebSocket session', () => {
  it('welcome, push → own events streamed before the ack, other clients see them live', async () => {
    const s = await start()
    const { c: a, welcome } = await open(s, 'team:x', 'a')
    expect(welcome).toMatchObject({ t: 'welcome', v: 1, head: 0, lastSeq: 0, heartbeatMs: 15000 })
    const { c: b } = await open(s, 'team:x', 'b')
    a.send({ t: 'push', id: 1, events: [event('a', 1), event('a', 2)] })
    const ack = await a.next('ack')
    expect(ack).toEqual({
      t: 'ack',
      id: 1,
      lastSeq: 2,
      results: [
        { seq: 1, ok: true, gseq: 1 },
        { seq: 2, ok: true, gseq: 2 },
      ],
    })
    const ackIndex = a.inbox.indexOf(ack)
    const eventsIndex = a.inbox.findIndex((m) => m.t === 'events' && m.events.some((e) => e.gseq === 2))
    expect(eventsIndex).toBeGreaterThan(-1)
    expect(eventsIndex).toBeLessThan(ackIndex)
    await b.waitStreamed(2)
    expect(b.streamed()).toEqual([
      { ...event('a', 1), gseq: 1 },
      { ...event('a', 2), gseq: 2 },
    ])
  })

  it('fan-out: one complete frame for every subscriber, the pushing socket served last', async () => {
    const s = await start()
    // a joins first, so join order alone would serve it first.
    const { c: a } = await open(s, 'team:fan', 'a')
    const { c: b } = await open(s, 'team:fan', 'b')
    const { c } = await open(s, 'team:fan', 'c')
    const send = vi.spyOn(WebSocket.prototype, 'send')
    const write = vi.spyOn(Socket.prototype, 'write')
    try {
      a.send({ t: 'push', id: 1, events: [event('a', 1)] })
      await a.next('ack')
      await b.waitStreamed(1)
      await c.waitStreamed(1)
      const ackAt = send.mock.calls.findIndex(
        ([data]) => typeof data === 'string' && data.startsWith('{"t":"ack"'),
      )
      // The server-side socket of the pusher (ws keeps it as `_socket`).
      const pusher = (send.mock.contexts[ackAt] as unknown as { _socket: Socket })._socket
      const live = write.mock.calls
        .map(([data], i) => ({ data, socket: write.mock.contexts[i] }))
        .filter(
          ({ data }) => Buffer.isBuffer(data) && data.subarray(2).toString().startsWith('{"t":"events"'),
        )
      expect(live).toHaveLength(3)
      expect(live[0]?.data[0]).toBe(0x81) // a whole text frame: FIN + opcode 1, header included
      expect(new Set(live.map((x) => x.data)).size).toBe(1) // the same bytes, framed once
      expect(new Set(live.map((x) => x.socket)).size).toBe(3)
      expect(live[2]?.socket).toBe(pusher) // the pusher's own frame goes last
    } finally {
      send.mockRestore()
      write.mockRestore()
    }
    expect(b.streamed()).toEqual([{ ...event('a', 1), gseq: 1 }])
  })

  it('streams the backlog after the cursor in pages, then live, without overlap or gaps', async () => {
    const s = await start({ limits: { defaultPullLimit: 7 } })
    const { c: a } = await open(s, 'team:y', 'a')
    for (let i = 0; i < 5; i++) {
      a.send({ t: 'push', id: i, events: Array.from({ length: 10 }, (_, j) => event('a', i * 10 + j + 1)) })
    }
    await a.next('ack', (m) => m.id === 4)
    const { c: late } = await open(s, 'team:y', 'late', 12)
    await late.waitStreamed(50)
    a.send({ t: 'push', id: 9, events: [event('a', 51)] })
    await late.waitStreamed(51)
    expect(late.streamed().map((e) => e.gseq)).toEqual(Array.from({ length: 39 }, (_, i) => i + 13))
    const pages = late.inbox.filter((m) => m.t === 'events')
    expect(pages.every((p) => p.t === 'events' && p.events.length <= 7)).toBe(true)
    expect(pages.some((p) => p.t === 'events' && p.more === true)).toBe(true)
  })

  it('pull answers one page with its id', async () => {
    const s = await start()
    const { c } = await open(s, 'team:p', 'a')
    c.send({ t: 'push', id: 1, events: [event('a', 1), event('a', 2), event('a', 3)] })
    await c.next('ack')
    c.send({ t: 'pull', cursor: 1, limit: 1, id: 77 })
    const page = await c.next('events', (m) => m.id === 77)
    expect(page).toEqual({
      t: 'events',
      id: 77,
      head: 3,
      more: true,
      events: [{ ...event('a', 2), gseq: 2 }],
    })
  })

  it('duplicates are re-acked with the original outcome and never applied twice', async () => {
    const s = await start()
    const { c } = await open(s, 'team:d', 'a')
    c.send({ t: 'push', id: 1, events: [event('a', 1), event('a', 2)] })
    await c.next('ack', (m) => m.id === 1)
    c.send({ t: 'push', id: 2, events: [event('a', 1), event('a', 2), event('a', 3)] })
    const ack = await c.next('ack', (m) => m.id === 2)
    expect(ack.results).toEqual([
      { seq: 1, ok: true, gseq: 1, duplicate: true },
      { seq: 2, ok: true, gseq: 2, duplicate: true },
      { seq: 3, ok: true, gseq: 3 },
    ])
    expect(await s.storage.read('team:d', 0, 100)).toHaveLength(3)
  })

  it('a gap is refused with code gap and records nothing', async () => {
    const s = await start()
    const { c } = await open(s, 'team:g', 'a')
    c.send({ t: 'push', id: 1, events: [event('a', 3), event('a', 4)] })
    const ack = await c.next('ack')
    expect(ack.lastSeq).toBe(0)
    expect(ack.results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['gap', 'gap'])
    expect(await s.storage.head('team:g')).toBe(0)
    c.send({ t: 'push', id: 2, events: [event('a', 1)] })
    expect((await c.next('ack', (m) => m.id === 2)).results[0]).toEqual({ seq: 1, ok: true, gseq: 1 })
  })

  it('welcome.lastSeq tells a reconnecting client what the server has', async () => {
    const s = await start()
    const { c } = await open(s, 'team:w', 'a')
    c.send({ t: 'push', id: 1, events: [event('a', 1), event('a', 2)] })
    await c.next('ack')
    c.close()
    const { welcome } = await open(s, 'team:w', 'a', 2)
    expect(welcome).toMatchObject({ head: 2, lastSeq: 2 })
  })

  it('validates pushed events with the schema: invalid and unknown events are rejected, the rest continue', async () => {
    const s = await start({
      schema: { 'v1.TodoCreated': z.object({ id: z.string(), title: z.string().min(1) }) },
    })
    const { c } = await open(s, 'team:v', 'a')
    c.send({
      t: 'push',
      id: 1,
      events: [
        event('a', 1, { id: 't1', title: 'Milk' }, 'v1.TodoCreated'),
        event('a', 2, { id: 't2', title: 5 }, 'v1.TodoCreated'),
        event('a', 3, {}, 'v1.Nope'),
        event('a', 4, { id: 't4', title: 'Eggs' }, 'v1.TodoCreated'),
      ],
    })
    const ack = await c.next('ack')
    expect(ack.lastSeq).toBe(4)
    expect(ack.results[0]).toEqual({ seq: 1, ok: true, gseq: 1 })
    expect(ack.results[1]).toMatchObject({ seq: 2, ok: false, code: 'invalid' })
    expect(ack.results[1]?.ok === false && ack.results[1].reason).toContain('args.title')
    expect(ack.results[2]).toMatchObject({ seq: 3, ok: false, code: 'unknown_event' })
    expect(ack.results[3]).toEqual({ seq: 4, ok: true, gseq: 2 })
    expect((await s.storage.read('team:v', 0, 10)).map((e) => e.seq)).toEqual([1, 4])
  })

  it('refuses a push carrying another client id, recording nothing', async () => {
    const s = await start()
    const { c } = await open(s, 'team:m', 'a')
    c.send({ t: 'push', id: 5, events: [event('intruder', 1)] })
    expect(await c.next('error')).toMatchObject({ code: 'client_mismatch', id: 5 })
    expect(await s.storage.head('team:m')).toBe(0)
  })
})

describe('malformed frames and protocol order', () => {
  it('before hello: bad JSON closes with 4400', async () => {
    const s = await start()
    const c = await raw(s)
    c.sendRaw('{not json')
    expect(await c.next('error')).toMatchObject({ code: 'bad_json', fatal: true })
    expect(await c.closed).toMatchObject({ code: CLOSE_CODES.protocolError })
  })

  it('push before hello closes with 4400', async () => {
    const s = await start()
    const c = await raw(s)
    c.send({ t: 'push', id: 1, events: [event('a', 1)] })
    expect((await c.closed).code).toBe(CLOSE_CODES.protocolError)
    expect(await s.storage.head('team:x')).toBe(0)
  })

  it('hello twice closes with 4400', async () => {
    const s = await start()
    const { c } = await open(s, 'team:h', 'a')
    c.send({ t: 'hello', v: 1, storeId: 'team:h', clientId: 'a', cursor: 0 })
    expect((await c.closed).code).toBe(CLOSE_CODES.protocolError)
  })

  it('an unsupported protocol version closes with 4426', async () => {
    const s = await start()
    const c = await raw(s)
    c.send({ t: 'hello', v: 2, storeId: 'team:x', clientId: 'a', cursor: 0 })
    expect(await c.next('error')).toMatchObject({ code: 'unsupported_version' })
    expect((await c.closed).code).toBe(CLOSE_CODES.unsupportedVersion)
  })

  it('after hello: malformed frames get a non-fatal error and change nothing', async () => {
    const s = await start()
    const { c } = await open(s, 'team:mf', 'a')
    c.sendRaw('[1,2')
    c.send({ t: 'launch' })
    c.send({ t: 'push', id: 'one', events: [event('a', 1)] })
    c.send({ t: 'push', id: 1, events: [{ ...event('a', 1), seq: -1 }] })
    await waitFor(() => c.inbox.filter((m) => m.t === 'error').length === 4, 'four errors')
    expect(c.inbox.filter((m) => m.t === 'error').map((m) => m.t === 'error' && [m.code, m.fatal])).toEqual([
      ['bad_json', undefined],
      ['unknown_type', undefined],
      ['bad_field', undefined],
      ['bad_field', undefined],
    ])
    expect(await s.storage.head('team:mf')).toBe(0)
    // the session still works
    c.send({ t: 'push', id: 2, events: [event('a', 1)] })
    expect((await c.next('ack')).results[0]?.ok).toBe(true)
  })

  it('an oversize frame closes the socket (1009) and stores nothing', async () => {
    const s = await start({ limits: { maxFrameBytes: 2048 } })
    const { c } = await open(s, 'team:big', 'a')
    c.send({ t: 'push', id: 1, events: [event('a', 1, { blob: 'x'.repeat(5000) })] })
    expect((await c.closed).code).toBe(1009)
    expect(await s.storage.head('team:big')).toBe(0)
  })

  it('too many events in one push is refused', async () => {
    const s = await start({ limits: { maxEventsPerPush: 3 } })
    const { c } = await open(s, 'team:many', 'a')
    c.send({ t: 'push', id: 1, events: [1, 2, 3, 4].map((i) => event('a', i)) })
    expect(await c.next('error')).toMatchObject({ code: 'too_large' })
    expect(await s.storage.head('team:many')).toBe(0)
  })

  it('a cursor ahead of the head closes with 4409', async () => {
    const s = await start()
    const c = await raw(s)
    c.send({ t: 'hello', v: 1, storeId: 'team:new', clientId: 'a', cursor: 5 })
    expect(await c.next('error')).toMatchObject({ code: 'cursor_ahead' })
    expect((await c.closed).code).toBe(CLOSE_CODES.cursorAhead)
  })

  it('rate limits frames per connection', async () => {
    const s = await start({ limits: { framesPerSecond: 1, frameBurst: 3 } })
    const { c } = await open(s, 'team:rl', 'a')
    for (let i = 0; i < 5; i++) c.send({ t: 'ping', ts: i })
    expect(await c.next('error')).toMatchObject({ code: 'rate_limited' })
  })
})

describe('heartbeats', () => {
  it('answers ping with pong', async () => {
    const s = await start()
    const { c } = await open(s, 'team:hb', 'a')
    c.send({ t: 'ping', ts: 42 })
    expect(await c.next('pong')).toEqual({ t: 'pong', ts: 42 })
  })

  it('closes a silent client that does not answer protocol pings with 4408', async () => {
    const s = await start({ heartbeat: { intervalMs: 100, timeoutMs: 400 } })
    const c = await raw(s, { autoPong: false })
    c.send({ t: 'hello', v: 1, storeId: 'team:silent', clientId: 'a', cursor: 0 })
    await c.next('welcome')
    expect(await c.closed).toEqual({ code: CLOSE_CODES.heartbeatTimeout, reason: 'heartbeat_timeout' })
  })

  it('keeps a client alive that answers protocol pings', async () => {
    const s = await start({ heartbeat: { intervalMs: 100, timeoutMs: 2000 } })
    const { c } = await open(s, 'team:alive', 'a')
    // Longer than the timeout: only the automatic pongs keep the session open.
    await new Promise((r) => setTimeout(r, 3000))
    expect(c.ws.readyState).toBe(WebSocket.OPEN)
  })
})

describe('graceful shutdown', () => {
  it('closes connected clients with 1001 shutting_down and keeps the data', async () => {
    const file = joinPath(dir, 'shutdown.db')
    const s = await startSyncServer({ port: 0, db: file, logger: silentLogger })
    const a = await join(s.wsUrl, 'team:sd', 'a')
    const b = await join(s.wsUrl, 'team:sd', 'b')
    a.c.send({ t: 'push', id: 1, events: [event('a', 1)] })
    await a.c.next('ack')
    await s.close()
    expect(await a.c.closed).toEqual({ code: 1001, reason: 'shutting_down' })
    expect(await b.c.closed).toEqual({ code: 1001, reason: 'shutting_down' })
    expect(b.c.inbox.at(-1)).toMatchObject({ t: 'error', code: 'shutting_down', fatal: true })
    const again = await start({ db: file })
    const { welcome } = await open(again, 'team:sd', 'a')
    expect(welcome).toMatchObject({ head: 1, lastSeq: 1 })
  })

  /** A raw WebSocket upgrade whose peer will never answer the close handshake. */
  const silentPeer = (port: number): Promise<Socket> =>
    new Promise((resolve) => {
      const sock = new Socket()
      sock.on('error', () => undefined)
      sock.connect(port, '127.0.0.1', () => {
        sock.write(
          'GET /v1/sync HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        )
        sock.once('data', () => resolve(sock))
      })
    })

  it('finishes within about twice timeoutMs when a peer never answers the close handshake', async () => {
    const s = await startSyncServer({ port: 0, logger: silentLogger })
    const sock = await silentPeer(s.port)
    const t0 = Date.now()
    await s.close({ timeoutMs: 300 })
    sock.destroy()
    expect(Date.now() - t0).toBeLessThan(3_000) // before: ws's 30 s close timeout
  }, 40_000)

  it('finishes within about twice timeoutMs when a request body never arrives', async () => {
    const s = await startSyncServer({ port: 0, logger: silentLogger })
    const sock = new Socket()
    sock.on('error', () => undefined)
    await new Promise<void>((r) => sock.connect(s.port, '127.0.0.1', () => r()))
    sock.write('POST /v1/stores/team%3Ax/push HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"clientId"')
    await new Promise((r) => setTimeout(r, 100))
    const t0 = Date.now()
    await s.close({ timeoutMs: 300 })
    sock.destroy()
    expect(Date.now() - t0).toBeLessThan(3_000) // before: the request timeout (5 min)
  }, 40_000)
})

describe('HTTP', () => {
  it('push, pull and status with the WebSocket shapes and exactly-once rules', async () => {
    const s = await start()
    const base = `${s.url}/v1/stores/${encodeURIComponent('team:http')}`
    const body = { clientId: 'h', events: [event('h', 1), event('h', 2)] }
    const first = await fetch(`${base}/push`, { method: 'POST', body: JSON.stringify(body) })
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({
      t: 'ack',
      id: 0,
      lastSeq: 2,
      results: [
        { seq: 1, ok: true, gseq: 1 },
        { seq: 2, ok: true, gseq: 2 },
      ],
    })
    const again = await (await fetch(`${base}/push`, { method: 'POST', body: JSON.stringify(body) })).json()
    expect(again.results.every((r: { duplicate?: boolean }) => r.duplicate)).toBe(true)
    const page = await (await fetch(`${base}/pull?cursor=1&limit=10`)).json()
    expect(page).toEqual({ t: 'events', head: 2, events: [{ ...event('h', 2), gseq: 2 }] })
    const status = await (await fetch(`${base}/status?clientId=h`)).json()
    expect(status).toMatchObject({ t: 'welcome', head: 2, lastSeq: 2 })
  })

  it('HTTP pushes reach WebSocket subscribers', async () => {
    const s = await start()
    const { c } = await open(s, 'team:mix', 'ws')
    await fetch(`${s.url}/v1/stores/team%3Amix/push`, {
      method: 'POST',
      body: JSON.stringify({ clientId: 'h', events: [event('h', 1)] }),
    })
    await c.waitStreamed(1)
  })

  it('malformed bodies and bad routes get typed errors and change nothing', async () => {
    const s = await start({ limits: { maxFrameBytes: 1000 } })
    const push = (body: string) => fetch(`${s.url}/v1/stores/team%3Abad/push`, { method: 'POST', body })
    const r1 = await push('{oops')
    expect([r1.status, (await r1.json()).code]).toEqual([400, 'bad_json'])
    const r2 = await push(JSON.stringify({ clientId: 'h', events: [{ name: 'x', clientId: 'h', seq: 1 }] }))
    expect([r2.status, (await r2.json()).code]).toEqual([400, 'bad_field'])
    const r3 = await push(JSON.stringify({ clientId: 'h', events: [event('h', 1, 'x'.repeat(2000))] }))
    expect([r3.status, (await r3.json()).code]).toEqual([413, 'too_large'])
    const r4 = await fetch(`${s.url}/v1/stores/team%3Abad/pull?cursor=-3`)
    expect([r4.status, (await r4.json()).code]).toEqual([400, 'bad_field'])
    const r5 = await fetch(`${s.url}/v1/nowhere`)
    expect(r5.status).toBe(404)
    expect(await s.storage.head('team:bad')).toBe(0)
  })
})

describe('operations endpoints', () => {
  it('/health reports storage and connections; /metrics exposes Prometheus series', async () => {
    const s = await start()
    const { c } = await open(s, 'team:ops', 'a')
    c.send({ t: 'push', id: 1, events: [event('a', 1), event('a', 2)] })
    await c.next('ack')
    const health = await (await fetch(`${s.url}/health`)).json()
    expect(health).toMatchObject({ status: 'ok', storage: 'sqlite', fanout: 'local', connections: 1 })
    const res = await fetch(`${s.url}/metrics`)
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    expect(text).toContain('strata_connections 1')
    expect(text).toContain('strata_events_in_total 2')
    expect(text).toMatch(/strata_events_out_total [1-9]/)
    expect(text).toContain('strata_push_duration_seconds_count 1')
    expect(text).toContain('strata_backlog_events 0')
  })
})

describe('HTTP rate limit and structured logs', () => {
  it('answers 429 with Retry-After when an address sends too many requests', async () => {
    const s = await start({ limits: { httpRequestsPerSecond: 1, httpBurst: 2 } })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${s.url}/v1/stores/team%3Arl/pull`)).status)
    expect(statuses.slice(0, 2)).toEqual([200, 200])
    expect(statuses).toContain(429)
    const res = await fetch(`${s.url}/v1/stores/team%3Arl/pull`)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('1')
  })

  it('logs structured entries through the injected logger', async () => {
    const entries: Array<{ level: string; msg: string; fields: Record<string, unknown> | undefined }> = []
    const at = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
      entries.push({ level, msg, fields })
    const s = await start({
      logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    })
    expect(entries.find((e) => e.msg === 'listening')?.fields).toMatchObject({
      url: s.url,
      wsUrl: s.wsUrl,
      storage: 'sqlite',
    })
    const { c } = await open(s, 'team:log', 'a')
    await waitFor(() => entries.some((e) => e.msg === 'session open'), 'session open log')
    expect(entries.find((e) => e.msg === 'session open')?.fields).toMatchObject({
      storeId: 'team:log',
      clientId: 'a',
      cursor: 0,
    })
    c.sendRaw('{bad')
    c.send({ t: 'hello', v: 1, storeId: 'team:log', clientId: 'a', cursor: 0 })
    await c.closed
    expect(entries.find((e) => e.msg === 'session closed by server')?.fields).toMatchObject({
      code: 'protocol',
      closeCode: 4400,
    })
  })
})
