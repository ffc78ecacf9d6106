// Two in-process server nodes on one Postgres schema (LISTEN/NOTIFY fan-out): what a
// session's welcome promises when this node has not heard of the other node's commit
// yet, and a node whose storage is unreachable for a moment when a notice arrives.
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { postgresFanout } from '../src/fanout/postgres.js'
import { type Logger, silentLogger } from '../src/logger.js'
import { startSyncServer, type SyncServer } from '../src/server.js'
import { openPostgresStorage } from '../src/storage/postgres.js'
import { event, join, PG_URL, type TestClient, tcpProxy, waitFor } from './harness.js'

const schema = `strata_test_inproc_${process.pid}_${Date.now().toString(36)}`
const db = `${PG_URL}?schema=${schema}`
const servers: SyncServer[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(servers.splice(0).map((s) => s.close({ timeoutMs: 500 })))
})
afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.end()
})

async function node(options: Parameters<typeof startSyncServer>[0] = {}): Promise<SyncServer> {
  const s = await startSyncServer({ port: 0, db, logger: silentLogger, ...options })
  servers.push(s)
  return s
}

describe('welcome on a node that has not heard of a commit yet', () => {
  it("covers the client's events its lastSeq counts: welcome.head ≥ their gseqs", async () => {
    const [a, b] = [await node(), await node()]
    const storeId = 'team:welcome-head'
    clients.push((await join(b.wsUrl, storeId, 'watcher')).c) // node B holds the store
    const problems: string[] = []
    for (let seq = 1; seq <= 20; seq++) {
      const res = await fetch(`${a.url}/v1/stores/${encodeURIComponent(storeId)}/push`, {
        method: 'POST',
        body: JSON.stringify({ clientId: 'c', events: [event('c', seq)] }),
      })
      const gseq = ((await res.json()) as { results: Array<{ gseq: number }> }).results[0]?.gseq as number
      const { c, welcome } = await join(b.wsUrl, storeId, 'c') // the reconnect lands on B
      clients.push(c)
      if (welcome.lastSeq >= seq && welcome.head < gseq)
        problems.push(`seq ${seq}: lastSeq ${welcome.lastSeq} counts gseq ${gseq}, head ${welcome.head}`)
    }
    expect(problems).toEqual([])
  })

  it('does not refuse, as ahead, a cursor the other node gave', async () => {
    const [a, b] = [await node(), await node()]
    const storeId = 'team:cursor'
    clients.push((await join(b.wsUrl, storeId, 'watcher')).c)
    const onA = await join(a.wsUrl, storeId, 'c')
    clients.push(onA.c)
    for (let seq = 1; seq <= 20; seq++) {
      onA.c.send({ t: 'push', id: seq, events: [event('c', seq)] })
      const ack = await onA.c.next('ack', (m) => m.id === seq)
      const gseq = (ack.results[0] as { gseq: number }).gseq
      const { c, welcome } = await join(b.wsUrl, storeId, 'c2', { cursor: gseq })
      clients.push(c)
      expect(welcome.head).toBeGreaterThanOrEqual(gseq)
    }
  })
})

describe('a storage blip while a notice is handled', () => {
  it('is logged, not fatal: the node keeps serving', async () => {
    const a = await node()
    const proxy = await tcpProxy({ host: '127.0.0.1', port: 5432 })
    const warnings: string[] = []
    const logger: Logger = { ...silentLogger, warn: (msg) => void warnings.push(msg) }
    const b = await node({
      logger,
      storage: await openPostgresStorage({
        connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
        schema,
      }),
      fanout: await postgresFanout({ connectionString: PG_URL, channel: `strata_events_${schema}` }),
    })
    const storeId = 'team:blip'
    clients.push((await join(b.wsUrl, storeId, 'w')).c)
    await proxy.close() // B's storage pool cannot reach Postgres (its LISTEN connection can)
    await fetch(`${a.url}/v1/stores/${encodeURIComponent(storeId)}/push`, {
      method: 'POST',
      body: JSON.stringify({ clientId: 'c', events: [event('c', 1)] }),
    })
    // Before: the failed read was an unhandled rejection, which ends a Node process (and
    // fails this test run).
    await waitFor(() => warnings.length > 0, 'the failed fetch to be logged', 10_000)
    expect(warnings[0]).toMatch(/fetching events another node committed failed/)
    expect((await fetch(`${b.url}/health`)).status).toBeLessThan(600)
  })
})
