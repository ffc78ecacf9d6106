// Unit test of the HTTP fallback transport against a scripted node:http peer: the frame
// emulation (status → welcome, pull loop → events, push → ack after a pull), the mapping
// of HTTP failures to close codes, and bad options.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SyncConfigError } from '../errors.js'
import { httpTransport } from './http-transport.js'
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

describe('httpTransport', () => {
  it('emulates a session: status → welcome, pulls from the cursor, push → events then ack', async () => {
    let head = 1
    const { url, requests } = await peer((req, body) => {
      if (req.url?.includes('/status')) return { status: 200, body: { t: 'welcome', v: 1, head, lastSeq: 0 } }
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
    [429, 4429],
    [503, 1001],
    [500, 4500],
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

  it.each([
    ['url', { url: 'not a url' }],
    ['url', { url: 'ws://127.0.0.1:1' }],
    ['pollIntervalMs', { url: 'http://127.0.0.1:1', pollIntervalMs: 0 }],
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
