// End to end on Postgres: the same convergence through a server process whose storage
// is the real Postgres on 127.0.0.1:5432 (database `test`, a schema per test file).
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { cleanup, openDevice, startServerProcess, until } from './harness.js'
import { events, todos } from './todo-schema.js'

const schemaName = `strata_sync_e2e_${process.pid}_${Date.now().toString(36)}`
const db = `postgres://postgres@127.0.0.1:5432/test?schema=${schemaName}`

afterEach(cleanup)
afterAll(async () => {
  const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`)
  await client.query(`DROP SCHEMA IF EXISTS ${schemaName}_nodes CASCADE`)
  await client.end()
})

describe('sync on a Postgres-backed server', () => {
  it('two devices converge, offline edits included', async () => {
    const server = await startServerProcess({ db })
    const a = await openDevice(server.wsUrl)
    const b = await openDevice(server.wsUrl)
    a.store.commit(events.todoCreated({ id: 'p1', title: 'on postgres' }))
    await until(() => b.store.query(todos).length === 1, 'B sees p1')
    b.client.stop()
    b.store.commit(events.todoRenamed({ id: 'p1', title: 'renamed offline' }))
    a.store.commit(events.todoCreated({ id: 'p2', title: 'meanwhile' }))
    await a.client.whenSynced()
    b.client.start()
    await b.client.whenSynced()
    const rows = (d: typeof a) =>
      d.store
        .query(todos)
        .map((t) => `${t.id}:${t.title}`)
        .sort()
    await until(
      () => rows(a).length === 2 && rows(a)[0] === 'p1:renamed offline',
      'A sees the offline rename',
    )
    expect(rows(b)).toEqual(['p1:renamed offline', 'p2:meanwhile'])
    expect(rows(a)).toEqual(rows(b))
  })

  it('clients on two server nodes sharing one Postgres see each other (LISTEN/NOTIFY fan-out)', async () => {
    const nodeDb = `postgres://postgres@127.0.0.1:5432/test?schema=${schemaName}_nodes`
    const node1 = await startServerProcess({ db: nodeDb })
    const node2 = await startServerProcess({ db: nodeDb })
    const a = await openDevice(node1.wsUrl, { storeId: 'team:nodes' })
    const b = await openDevice(node2.wsUrl, { storeId: 'team:nodes' })
    a.store.commit(events.todoCreated({ id: 'n1', title: 'via node 1' }))
    await until(() => b.store.query(todos).length === 1, 'B on node 2 sees A on node 1')
    b.store.commit(events.todoCreated({ id: 'n2', title: 'via node 2' }))
    await until(() => a.store.query(todos).length === 2, 'A on node 1 sees B on node 2')
    await a.client.whenSynced()
    await b.client.whenSynced()
    const rows = (d: typeof a) =>
      d.store
        .query(todos)
        .map((t) => `${t.id}:${t.title}`)
        .sort()
    expect(rows(a)).toEqual(['n1:via node 1', 'n2:via node 2'])
    expect(rows(b)).toEqual(rows(a))
  })
})
