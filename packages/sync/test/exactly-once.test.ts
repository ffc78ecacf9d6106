// End to end: the connection drops after the server applied a push but before the
// client heard the ack. The client reconnects, learns lastSeq from `welcome`, and each
// event exists exactly once — on the server and in every store.
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, openDevice, startServerProcess, until } from './harness.js'
import { startRelay } from './relay.js'
import { events, todos } from './todo-schema.js'

afterEach(cleanup)

async function serverLog(httpUrl: string, storeId: string) {
  const res = await fetch(`${httpUrl}/v1/stores/${encodeURIComponent(storeId)}/pull?cursor=0&limit=5000`)
  const body = (await res.json()) as { events: Array<{ clientId: string; seq: number; name: string }> }
  return body.events
}

describe('exactly-once through the client', () => {
  it('a push applied before a lost ack is neither lost nor applied twice', async () => {
    const server = await startServerProcess()
    const relay = await startRelay(server.wsUrl)
    const a = await openDevice(relay.url)
    const b = await openDevice(server.wsUrl)
    await a.client.whenSynced()

    relay.dropAfterNextPush()
    a.store.commit(
      events.todoCreated({ id: 'x1', title: 'one' }),
      events.todoCreated({ id: 'x2', title: 'two' }),
      events.todoRenamed({ id: 'x1', title: 'one!' }),
    )
    await until(() => relay.swallowed.length === 1, 'the relay to cut the line after the push')
    await until(() => relay.connections >= 2, 'the client to reconnect')
    await a.client.whenSynced()
    await until(() => b.store.query(todos).length === 2, 'B to see both todos')

    const log = await serverLog(server.url, 'team:e2e')
    const mine = log.filter((e) => e.clientId === a.store.sync.clientId)
    expect(mine.map((e) => e.seq)).toEqual([1, 2, 3]) // each once, in order
    expect(a.store.sync.pending()).toEqual([])
    expect(a.store.sync.confirmedHead()).toBe(log.length)
    const rows = a.store.query(todos).map((t) => `${t.id}:${t.title}`)
    expect(rows.sort()).toEqual(['x1:one!', 'x2:two'])
    expect(
      b.store
        .query(todos)
        .map((t) => `${t.id}:${t.title}`)
        .sort(),
    ).toEqual(rows.sort())
  })

  it('a store reopened from disk after a crash mid-push does not push twice', async () => {
    const server = await startServerProcess()
    const relay = await startRelay(server.wsUrl)
    const first = await openDevice(relay.url)
    await first.client.whenSynced()
    relay.dropAfterNextPush()
    first.store.commit(events.todoCreated({ id: 'p1', title: 'persisted' }))
    await until(() => relay.swallowed.length === 1, 'the cut')
    // The app is closed before it could reconnect: the event is still pending on disk.
    first.close()
    const again = await openDevice(server.wsUrl, { dir: first.dir })
    expect(again.store.sync.pending().map((e) => e.seq)).toEqual([1])
    await again.client.whenSynced()
    const log = await serverLog(server.url, 'team:e2e')
    expect(log.filter((e) => e.name === 'v1.TodoCreated')).toHaveLength(1)
    expect(again.store.query(todos).map((t) => t.id)).toEqual(['p1'])
  })
})
