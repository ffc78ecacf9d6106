// Real server processes on real SQLite files: exactly-once when the ack is lost, and a
// server restart with clients connected.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { event, join, type ServerProcess, spawnServer, TestClient, tcpProxy, waitFor } from './harness.js'

// Child processes compile the sources through tsx: slow on a loaded machine, so be generous.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 })

const dir = mkdtempSync(joinPath(tmpdir(), 'strata-proc-'))
const procs: ServerProcess[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function pull(url: string, storeId: string) {
  const res = await fetch(`${url}/v1/stores/${encodeURIComponent(storeId)}/pull?cursor=0&limit=1000`)
  return (await res.json()) as {
    events: Array<{ clientId: string; seq: number; gseq: number }>
    head: number
  }
}

describe('exactly-once across a lost ack', () => {
  it('the server applied the batch, the ack never arrived: reconnect + re-push creates no duplicates', async () => {
    const server = await spawnServer(['--db', joinPath(dir, 'once.db')])
    procs.push(server)
    const port = Number(new URL(server.url).port)
    const proxy = await tcpProxy({ host: '127.0.0.1', port })
    try {
      const viaProxy = await TestClient.open(`ws://127.0.0.1:${proxy.port}/v1/sync`)
      clients.push(viaProxy)
      viaProxy.send({ t: 'hello', v: 1, storeId: 'team:once', clientId: 'c', cursor: 0 })
      await viaProxy.next('welcome')
      // From now on nothing the server sends reaches the client: no events, no ack.
      proxy.state.down = false
      const batch = [event('c', 1), event('c', 2), event('c', 3)]
      viaProxy.send({ t: 'push', id: 1, events: batch })
      await waitFor(
        async () => (await pull(server.url, 'team:once')).head === 3,
        'the server to apply the batch',
      )
      proxy.cut()
      await viaProxy.closed
      expect(viaProxy.inbox.some((m) => m.t === 'ack')).toBe(false)

      // Reconnect directly, learn lastSeq, re-push the whole batch plus one new event.
      const { c, welcome } = await join(server.wsUrl, 'team:once', 'c')
      clients.push(c)
      expect(welcome).toMatchObject({ head: 3, lastSeq: 3 })
      c.send({ t: 'push', id: 2, events: [...batch, event('c', 4)] })
      const ack = await c.next('ack')
      expect(ack.results).toEqual([
        { seq: 1, ok: true, gseq: 1, duplicate: true },
        { seq: 2, ok: true, gseq: 2, duplicate: true },
        { seq: 3, ok: true, gseq: 3, duplicate: true },
        { seq: 4, ok: true, gseq: 4 },
      ])
      const log = await pull(server.url, 'team:once')
      expect(log.events.map((e) => [e.gseq, e.seq])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
      ])
    } finally {
      await proxy.close()
    }
  })
})

describe('server restart with clients connected', () => {
  it('clients are closed with 1001 shutting_down, data persists, clients resume from their cursor', async () => {
    const file = joinPath(dir, 'restart.db')
    const first = await spawnServer(['--db', file])
    procs.push(first)
    const a = await join(first.wsUrl, 'team:r', 'a')
    const b = await join(first.wsUrl, 'team:r', 'b')
    clients.push(a.c, b.c)
    a.c.send({ t: 'push', id: 1, events: [event('a', 1), event('a', 2)] })
    await a.c.next('ack')
    await b.c.waitStreamed(2)
    expect(await first.stop('SIGTERM')).toBe(0)
    expect(await a.c.closed).toEqual({ code: 1001, reason: 'shutting_down' })
    expect(await b.c.closed).toEqual({ code: 1001, reason: 'shutting_down' })

    const second = await spawnServer(['--db', file])
    procs.push(second)
    const b2 = await join(second.wsUrl, 'team:r', 'b', { cursor: 2 })
    const a2 = await join(second.wsUrl, 'team:r', 'a', { cursor: 2 })
    clients.push(a2.c, b2.c)
    expect(a2.welcome).toMatchObject({ head: 2, lastSeq: 2 })
    a2.c.send({ t: 'push', id: 1, events: [event('a', 3)] })
    expect((await a2.c.next('ack')).results).toEqual([{ seq: 3, ok: true, gseq: 3 }])
    await b2.c.waitStreamed(3)
    expect(b2.c.streamed().map((e) => e.gseq)).toEqual([3])
  })
})
