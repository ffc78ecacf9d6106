// Unit test of the HTTP fallback transport against a scripted node:http peer: the frame
// emulation (status → welcome, pull loop → events, push → ack after a pull), the mapping
// of HTTP failures to close codes, and bad options.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SyncConfigError } from '../errors.js'
import { type FetchLike, httpTransport } from './http-transport.js'
import type { TransportCloseInfo, TransportHandlers } from './transport.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

type Route = (req: IncomingMessage, body: string) => { status: number; body: unknown }

async function peer(route: Route) {
  const requests: string[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => {
      body += String(d)
    })
    req.on('end', () => {
      requests.push(
        `${req.method} ${req.url}${req.headers.authorization ? ` (${req.headers.authorization})` : ''}`,
      )
      const r = route(req, body)
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body))
    })
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

function recorder() {
  const frames: Array<Record<string, unknown>> = []
  let closed: TransportCloseInfo | undefined
  let opened = false
  const handlers: TransportHandlers = {
    onOpen: () => {
      opened = true
    },
    onMessage: (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>),
    onClose: (i) => {
      closed = i
    },
  }
  return { handlers, frames, closed: () => closed, opened: () => opened }
}

const until = async (cond: () => boolean) => {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > 10_000) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

const event = (gseq: number) => ({ name: 'v1.X', args: null, clientId: 'c1', seq: gseq, gseq })
/** A `welcome` body; `wait` announces long-polling (`limits.maxPullWaitMs`). */
const welcome = (head: number, wait?: number) => ({
  t: 'welcome',
  v: 1,
  head,
  lastSeq: 0,
  ...(wait === undefined
    ? {}
    : { limits: { maxFrameBytes: 1000, maxEventsPerPush: 10, maxPullWaitMs: wait } }),
})

describe('httpTransport', () => {
  it('emulates a session: status → welcome, pulls from the cursor, push → events then ack', async () => {
    let head = 1
    const { url, requests } = await peer((req, body) => {
      if (req.url?.includes('/status')) return { status: 200, body: welcome(head) }
      if (req.url?.includes('/pull')) {
        const cursor = Number(new URL(req.url, 'http://x').searchParams.get('cursor'))
        const events = []
        for (let g = cursor + 1; g <= head; g++) events.push(event(g))
        return { status: 200, body: { t: 'events', events, head } }
      }
      const push = JSON.parse(body) as { id: number; events: unknown[] }
      head++
      return {
        status: 200,
        body: { t: 'ack', id: push.id, lastSeq: 1, results: [{ seq: 1, ok: true, gseq: head }] },
      }
    })
    const r = recorder()
    const conn = httpTransport({ url, pollIntervalMs: 50 }).connect(r.handlers)
    await until(r.opened)
    conn.send({ t: 'hello', v: 1, storeId: 'team:a b', clientId: 'c1', cursor: 0, token: 'tok' })
    await until(() => r.frames.length >= 2)
    expect(r.frames[0]).toMatchObject({ t: 'welcome', head: 1 })
    expect(r.frames[1]).toMatchObject({ t: 'events', events: [{ gseq: 1 }] })
    conn.send({ t: 'push', id: 7, events: [{ name: 'v1.X', args: null, clientId: 'c1', seq: 1 }] })
    await until(() => r.frames.some((f) => f.t === 'ack'))
    const ackAt = r.frames.findIndex((f) => f.t === 'ack')
    // The pushed event came back confirmed before its ack, as on a WebSocket.
    expect(
      r.frames
        .slice(0, ackAt)
        .some((f) => (f.events as Array<{ gseq: number }> | undefined)?.[0]?.gseq === 2),
    ).toBe(true)
    expect(r.frames[ackAt]).toMatchObject({ t: 'ack', id: 7 })
    conn.send({ t: 'ping', ts: 5 })
    await until(() => r.frames.some((f) => f.t === 'pong'))
    conn.close()
    expect(r.closed()).toMatchObject({ local: true })
    expect(requests[0]).toBe('GET /v1/stores/team%3Aa%20b/status?clientId=c1 (Bearer tok)')
    expect(requests.some((q) => q.startsWith('POST /v1/stores/team%3Aa%20b/push'))).toBe(true)
  })

  it.each([
    [401, 4401],
    [403, 4403],
    [409, 4410], // client_id_taken: terminal, like 4403
    [429, 4429],
    [503, 1001],
    [500, 4500],
    // a retry in the same session would fail the same: end it, the client redials with backoff
    [400, 4400],
    [404, 4400],
    [413, 4413],
  ])(
    'ends the session on HTTP %i with close code %i after delivering the error frame',
    async (status, code) => {
      const { url } = await peer(() => ({ status, body: { t: 'error', code: 'x', message: 'no' } }))
      const r = recorder()
      const conn = httpTransport({ url }).connect(r.handlers)
      await until(r.opened)
      conn.send({ t: 'hello', v: 1, storeId: 's', clientId: 'c1', cursor: 0 })
      await until(() => r.closed() !== undefined)
      expect(r.frames).toEqual([{ t: 'error', code: 'x', message: 'no' }])
      expect(r.closed()).toMatchObject({ code, local: false })
    },
  )

  it('gives up a long-poll that never answers (a half-open connection) after its wait plus the request timeout', async () => {
    const { url } = await peer((req) => {
      if (req.url?.includes('/status')) return { status: 200, body: welcome(0, 100) }
      return { status: 200, body: { t: 'events', events: [], head: 0 } }
    })
    // A fetch whose long-polls hang (the answer never comes) until aborted.
    const hanging: FetchLike = (u, init) =>
      u.includes('wait=')
        ? new Promise((_, reject) =>
            init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
          )
        : fetch(u, init)
    const r = recorder()
    const conn = httpTransport({ url, longPollMs: 100, requestTimeoutMs: 100, fetch: hanging }).connect(
      r.handlers,
    )
    await until(r.opened)
    const start = Date.now()
    conn.send({ t: 'hello', v: 1, storeId: 's', clientId: 'c1', cursor: 0 })
    await until(() => r.closed() !== undefined)
    expect(r.closed()).toMatchObject({ local: false })
    expect(r.closed()?.reason).toMatch(/no answer in 200 ms/)
    expect(Date.now() - start).toBeGreaterThanOrEqual(190)
  })

  it('reports an unreachable server as a close with an error', async () => {
    const { url } = await peer(() => ({ status: 200, body: {} }))
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
    const r = recorder()
    const conn = httpTransport({ url }).connect(r.handlers)
    await until(r.opened)
    conn.send({ t: 'hello', v: 1, storeId: 's', clientId: 'c1', cursor: 0 })
    await until(() => r.closed() !== undefined)
    expect(r.closed()?.error).toBeDefined()
  })

  it('long-polls when the server announces maxPullWaitMs: events arrive when committed, not at the next poll', async () => {
    const log: string[] = []
    let head = 0
    const parked: Array<() => void> = []
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      log.push(
        `${url.pathname.split('/').pop()}${url.searchParams.has('wait') ? ` wait=${url.searchParams.get('wait')}` : ''}`,
      )
      const answer = () => {
        const cursor = Number(url.searchParams.get('cursor'))
        const events = []
        for (let g = cursor + 1; g <= head; g++) events.push(event(g))
        res.writeHead(200).end(JSON.stringify({ t: 'events', events, head }))
      }
      if (url.pathname.endsWith('/status')) res.writeHead(200).end(JSON.stringify(welcome(head, 15_000)))
      else if (url.searchParams.has('wait') && Number(url.searchParams.get('cursor')) >= head)
        parked.push(answer)
      else answer()
    })
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const r = recorder()
    // A minute between polls: only a long-poll can deliver within the test.
    const conn = httpTransport({ url, pollIntervalMs: 60_000, longPollMs: 10_000 }).connect(r.handlers)
    await until(r.opened)
    conn.send({ t: 'hello', v: 1, storeId: 's', clientId: 'c1', cursor: 0 })
    await until(() => parked.length === 1)
    const commit = () => {
      head++
      for (const answer of parked.splice(0)) answer()
    }
    commit()
    await until(() =>
      r.frames.some((f) => (f.events as Array<{ gseq: number }> | undefined)?.[0]?.gseq === 1),
    )
    await until(() => parked.length === 1) // and it waits again from the new cursor
    commit()
    await until(() =>
      r.frames.some((f) => (f.events as Array<{ gseq: number }> | undefined)?.[0]?.gseq === 2),
    )
    conn.close()
    // The client asks for min(its longPollMs, the server's maxPullWaitMs).
    expect(log.slice(0, 4)).toEqual(['status', 'pull', 'pull wait=10000', 'pull wait=10000'])
  })

  it('cuts a waiting long-poll short for a push, so the ack does not wait for the poll', async () => {
    const head = 0
    const held: IncomingMessage[] = []
    let aborted = 0
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname.endsWith('/status')) {
        res.writeHead(200).end(JSON.stringify(welcome(head, 15_000)))
      } else if (url.searchParams.has('wait')) {
        // Never answered: a push whose events do not move the head (all refused) would
        // not wake a real server's long-poll either.
        held.push(req)
        res.on('close', () => aborted++)
      } else if (url.pathname.endsWith('/pull')) {
        res.writeHead(200).end(JSON.stringify({ t: 'events', events: [], head }))
      } else {
        res.writeHead(200).end(
          JSON.stringify({
            t: 'ack',
            id: 3,
            lastSeq: 1,
            results: [{ seq: 1, ok: false, code: 'invalid', reason: 'no' }],
          }),
        )
      }
    })
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const r = recorder()
    const conn = httpTransport({ url, pollIntervalMs: 60_000 }).connect(r.handlers)
    await until(r.opened)
    conn.send({ t: 'hello', v: 1, storeId: 's', clientId: 'c1', cursor: 0 })
    await until(() => held.length === 1)
    const t0 = Date.now()
    conn.send({ t: 'push', id: 3, events: [{ name: 'v1.X', args: null, clientId: 'c1', seq: 1 }] })
    await until(() => r.frames.some((f) => f.t === 'ack'))
    expect(Date.now() - t0).toBeLessThan(5_000) // not the 15 s the held pull could take
    await until(() => aborted >= 1)
    expect(r.closed()).toBeUndefined() // cutting the poll short is not a connection failure
    await until(() => held.length === 2) // long-polling resumes after the push's pull
    conn.close()
  })

  it('polls (no wait) when the server does not announce long-polling or longPollMs is 0', async () => {
    for (const [announce, longPollMs] of [
      [false, 20_000],
      [true, 0],
    ] as const) {
      const { url, requests } = await peer((req) =>
        req.url?.includes('/status')
          ? {
              status: 200,
              body: welcome(0, announce ? 15_000 : undefined),
            }
          : { status: 200, body: { t: 'events', events: [], head: 0 } },
      )
      const r = recorder()
      const conn = httpTransport({ url, pollIntervalMs: 30, longPollMs }).connect(r.handlers)
      await until(r.opened)
      conn.send({ t: 'hello', v: 1, storeId: 's', clientId: 'c1', cursor: 0 })
      await until(() => requests.length >= 4)
      conn.close()
      expect(requests.filter((q) => q.includes('wait='))).toEqual([])
    }
  })

  it('does not spin when a server answers long-polls at once: it falls back to the poll interval', async () => {
    const { url, requests } = await peer((req) =>
      req.url?.includes('/status')
        ? {
            status: 200,
            body: welcome(0, 15_000),
          }
        : { status: 200, body: { t: 'events', events: [], head: 0 } },
    )
    const r = recorder()
    const conn = httpTransport({ url, pollIntervalMs: 200 }).connect(r.handlers)
    await until(r.opened)
    conn.send({ t: 'hello', v: 1, storeId: 's', clientId: 'c1', cursor: 0 })
    await new Promise((res) => setTimeout(res, 700))
    conn.close()
    // status, the first pull, then about one long-poll per 200 ms — not hundreds.
    expect(requests.length).toBeGreaterThanOrEqual(3)
    expect(requests.length).toBeLessThan(10)
  })

  it.each([
    ['url', { url: 'not a url' }],
    ['url', { url: 'ws://127.0.0.1:1' }],
    ['pollIntervalMs', { url: 'http://127.0.0.1:1', pollIntervalMs: 0 }],
    ['longPollMs', { url: 'http://127.0.0.1:1', longPollMs: -1 }],
    ['longPollMs', { url: 'http://127.0.0.1:1', longPollMs: 1.5 }],
  ])('refuses a bad %s with a SyncConfigError', (option, opts) => {
    let caught: unknown
    try {
      httpTransport(opts)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(SyncConfigError)
    expect((caught as SyncConfigError).option).toBe(option)
  })
})
