// Two real server processes on one Postgres: clients on different nodes see each
// other's events, through LISTEN/NOTIFY (default) and through NATS.
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { event, join, PG_URL, type ServerProcess, spawnServer, type TestClient } from './harness.js'

// Child processes compile the sources through tsx: slow on a loaded machine, so be generous.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 })

const schema = `strata_test_nodes_${process.pid}_${Date.now().toString(36)}`
const procs: ServerProcess[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')))
})
afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.end()
})

async function twoNodes(extra: string[]) {
  const db = `${PG_URL}?schema=${schema}`
  const one = await spawnServer(['--db', db, ...extra])
  procs.push(one)
  const two = await spawnServer(['--db', db, ...extra])
  procs.push(two)
  return [one, two] as const
}

async function converge(one: ServerProcess, two: ServerProcess, storeId: string) {
  const a = await join(one.wsUrl, storeId, 'a')
  const b = await join(two.wsUrl, storeId, 'b')
  clients.push(a.c, b.c)
  a.c.send({ t: 'push', id: 1, events: [event('a', 1), event('a', 2)] })
  await b.c.waitStreamed(2)
  b.c.send({ t: 'push', id: 1, events: [event('b', 1)] })
  await a.c.waitStreamed(3)
  // concurrent pushes on both nodes: one gap-free order, identical on both sides
  for (let i = 0; i < 10; i++) {
    a.c.send({ t: 'push', id: 10 + i, events: [event('a', 3 + i)] })
    b.c.send({ t: 'push', id: 10 + i, events: [event('b', 2 + i)] })
  }
  await a.c.waitStreamed(23)
  await b.c.waitStreamed(23)
  const order = (c: TestClient) => c.streamed().map((e) => `${e.gseq}:${e.clientId}:${e.seq}`)
  expect(order(a.c)).toEqual(order(b.c))
  expect(a.c.streamed().map((e) => e.gseq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1))
}

describe('two nodes on one Postgres', () => {
  it('LISTEN/NOTIFY: clients on different nodes see each other’s events', async () => {
    const [one, two] = await twoNodes([])
    const health = await (await fetch(`${one.url}/health`)).json()
    expect(health).toMatchObject({ storage: 'postgres', fanout: 'postgres' })
    await converge(one, two, 'team:pg-notify')
  })

  it('an HTTP long-poll on one node is answered by a commit on the other', async () => {
    const [one, two] = await twoNodes([])
    const storeId = 'team:pg-long-poll'
    const a = await join(one.wsUrl, storeId, 'a')
    clients.push(a.c)
    const t0 = Date.now()
    const pull = fetch(`${two.url}/v1/stores/${encodeURIComponent(storeId)}/pull?cursor=0&wait=25000`).then(
      (r) => r.json() as Promise<{ events: Array<{ gseq: number; clientId: string }> }>,
    )
    // Parked on node two's hub, then node one commits.
    for (;;) {
      const h = (await (await fetch(`${two.url}/health`)).json()) as { connections: number }
      if (h.connections === 1) break
      await new Promise((r) => setTimeout(r, 25))
    }
    a.c.send({ t: 'push', id: 1, events: [event('a', 1)] })
    const page = await pull
    expect(page.events.map((e) => [e.gseq, e.clientId])).toEqual([[1, 'a']])
    expect(Date.now() - t0).toBeLessThan(20_000) // woken by the fan-out, not the wait
  })

  it('NATS: clients on different nodes see each other’s events', async () => {
    const [one, two] = await twoNodes(['--nats', 'nats://127.0.0.1:4222'])
    const health = await (await fetch(`${two.url}/health`)).json()
    expect(health).toMatchObject({ storage: 'postgres', fanout: 'nats' })
    await converge(one, two, `team:nats-${Date.now()}`)
  })
})

describe('fan-out connection loss', () => {
  it('a node whose LISTEN connection was killed resyncs and delivers what it missed', async () => {
    const [one, two] = await twoNodes([])
    const storeId = 'team:pg-resync'
    const a = await join(one.wsUrl, storeId, 'a')
    const b = await join(two.wsUrl, storeId, 'b')
    clients.push(a.c, b.c)
    a.c.send({ t: 'push', id: 1, events: [event('a', 1)] })
    await b.c.waitStreamed(1)
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()`,
        [`LISTEN "strata_events_${schema}"`],
      )
      expect(killed.rowCount).toBe(2)
    } finally {
      await admin.end()
    }
    a.c.send({ t: 'push', id: 2, events: [event('a', 2)] })
    await b.c.waitStreamed(2)
    expect(b.c.streamed().map((e) => e.gseq)).toEqual([1, 2])
  })
})
