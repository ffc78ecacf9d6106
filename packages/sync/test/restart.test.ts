// End to end: the server process restarts (graceful and crash) while clients are
// connected. Clients reconnect with backoff on their own and continue: edits made during
// the outage sync afterwards; nothing is lost or doubled (SQLite file survives).
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { cleanup, openDevice, startServerProcess, tempDir, until } from './harness.js'
import { events, todos } from './todo-schema.js'

afterEach(cleanup)

const ids = (d: { store: { query: (q: typeof todos) => Array<{ id: string }> } }) =>
  d.store
    .query(todos)
    .map((t) => t.id)
    .sort()

describe('server restart with clients connected', () => {
  it.each(['stop', 'kill'] as const)('clients reconnect and continue after %s + restart', async (how) => {
    const db = join(tempDir(), 'server.db')
    const first = await startServerProcess({ db })
    const a = await openDevice(first.wsUrl)
    const b = await openDevice(first.wsUrl)
    a.store.commit(events.todoCreated({ id: 'before', title: 'x' }))
    await until(() => ids(b).length === 1, 'B sees the first todo')

    await (how === 'stop' ? first.stop() : first.kill())
    await until(() => !a.client.status.online.get() && !b.client.status.online.get(), 'both offline')
    a.store.commit(events.todoCreated({ id: 'during-a', title: 'x' }))
    b.store.commit(events.todoCreated({ id: 'during-b', title: 'x' }))

    const second = await startServerProcess({ db, port: first.port })
    await until(
      () => a.client.status.online.get() && b.client.status.online.get(),
      'both back online',
      30_000,
    )
    await a.client.whenSynced()
    await b.client.whenSynced()
    await until(() => ids(a).length === 3 && ids(b).length === 3, 'both see all three')
    expect(ids(a)).toEqual(['before', 'during-a', 'during-b'])
    expect(ids(b)).toEqual(ids(a))
    a.store.commit(events.todoCreated({ id: 'after', title: 'x' }))
    await until(() => ids(b).includes('after'), 'live stream works after the restart')
    const log = (await (await fetch(`${second.url}/v1/stores/team%3Ae2e/pull?cursor=0`)).json()) as {
      events: unknown[]
    }
    expect(log.events).toHaveLength(4)
  })
})
