// End to end: real server process, real SQLite store files, real WebSockets.
// Two devices converge, offline edits on both sides converge after reconnect, and the
// HTTP fallback transport converges too.
import { afterEach, describe, expect, it } from 'vitest'
import { httpTransport } from '../src/index.js'
import { cleanup, openDevice, startServerProcess, until } from './harness.js'
import { events, todos, ui } from './todo-schema.js'

afterEach(cleanup)

const titles = (d: { store: { query: (q: typeof todos) => Array<{ id: string; title: string }> } }) =>
  d.store
    .query(todos)
    .map((t) => `${t.id}:${t.title}`)
    .sort()

describe('two devices on one server', () => {
  it('converge: a todo created on one device appears on the other', async () => {
    const server = await startServerProcess()
    const a = await openDevice(server.wsUrl)
    const b = await openDevice(server.wsUrl)
    a.store.commit(events.todoCreated({ id: 't1', title: 'Milk', by: 'a' }))
    // Local first: visible on A at once, before any network round trip.
    expect(titles(a)).toEqual(['t1:Milk'])
    await until(() => titles(b).length === 1, 'B sees t1')
    b.store.commit(events.todoRenamed({ id: 't1', title: 'Oat milk' }))
    await until(() => titles(a)[0] === 't1:Oat milk', 'A sees the rename')
    await a.client.whenSynced()
    await b.client.whenSynced()
    expect(titles(a)).toEqual(titles(b))
    expect(a.store.sync.pending()).toEqual([])
  })

  it('converge after offline edits on both sides (rebase on reconnect)', async () => {
    const server = await startServerProcess()
    const a = await openDevice(server.wsUrl)
    const b = await openDevice(server.wsUrl)
    a.store.commit(events.todoCreated({ id: 'shared', title: 'v0' }))
    await until(() => titles(b).length === 1, 'B sees shared')
    await a.client.whenSynced()

    a.client.stop()
    b.client.stop()
    a.store.commit(events.todoCreated({ id: 'a1', title: 'from A' }))
    a.store.commit(events.todoRenamed({ id: 'shared', title: 'A wins?' }))
    b.store.commit(events.todoCreated({ id: 'b1', title: 'from B' }))
    b.store.commit(events.todoRenamed({ id: 'shared', title: 'B wins?' }))
    b.store.commit(events.todoDeleted({ id: 'a1' })) // deletes nothing on B yet
    expect(a.client.status.pendingCount.get()).toBe(2)
    expect(b.client.status.pendingCount.get()).toBe(3)

    a.client.start()
    await a.client.whenSynced()
    b.client.start()
    await b.client.whenSynced()
    await until(() => JSON.stringify(titles(a)) === JSON.stringify(titles(b)), 'convergence')
    // Server order: A's events first, then B's rebased on top — B's rename and B's
    // delete of a1 (which now exists) win.
    expect(titles(a)).toEqual(['b1:from B', 'shared:B wins?'])
  })

  it('converge over the HTTP fallback transport', async () => {
    const server = await startServerProcess()
    const a = await openDevice(server.url)
    const b = await openDevice(server.wsUrl)
    a.store.commit(events.todoCreated({ id: 'h1', title: 'over http' }))
    await until(() => titles(b).length === 1, 'B (WebSocket) sees the HTTP push')
    b.store.commit(events.todoCreated({ id: 'w1', title: 'over ws' }))
    await until(() => titles(a).length === 2, 'A (HTTP polling) sees the WebSocket push')
    await a.client.whenSynced()
    expect(titles(a)).toEqual(titles(b))
  })

  it('over HTTP, events arrive by long-poll as they are committed, not at the next poll', async () => {
    const server = await startServerProcess()
    // A minute between polls: within the 20 s `until` only long-polling can deliver.
    const a = await openDevice(server.url, {
      transport: httpTransport({ url: server.url, pollIntervalMs: 60_000 }),
    })
    const b = await openDevice(server.wsUrl)
    await a.client.whenSynced()
    for (let i = 1; i <= 3; i++) {
      b.store.commit(events.todoCreated({ id: `lp${i}`, title: `long-poll ${i}` }))
      await until(() => titles(a).length === i, `A (HTTP) sees lp${i}`)
    }
    // A's own push is acknowledged while a long-poll is parked.
    a.store.commit(events.todoCreated({ id: 'mine', title: 'from A' }))
    await a.client.whenSynced({ timeoutMs: 10_000 })
    await until(() => titles(b).length === 4, 'B sees A')
    expect(titles(a)).toEqual(titles(b))
  })

  it('keep client-only events (UI state) local while synced events travel (seed 003)', async () => {
    const server = await startServerProcess()
    const a = await openDevice(server.wsUrl)
    const b = await openDevice(server.wsUrl)
    a.store.commit(
      events.filterChanged({ filter: 'done' }),
      events.todoCreated({ id: 'c1', title: 'shared' }),
    )
    await until(() => titles(b).length === 1, 'B sees the synced todo')
    await a.client.whenSynced()
    expect(a.store.query(ui).map((r) => r.value)).toEqual(['done'])
    expect(b.store.query(ui)).toEqual([])
    const log = (await (await fetch(`${server.url}/v1/stores/team%3Ae2e/pull?cursor=0`)).json()) as {
      events: Array<{ name: string }>
    }
    expect(log.events.map((e) => e.name)).toEqual(['v1.TodoCreated'])
  })
})
