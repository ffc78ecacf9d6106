// End to end: a backlog of offline edits far larger than the server's frame limit (1 MiB
// by default) syncs with the default batch size. The real server never names the push it
// refused (the WebSocket closes with 1009, the HTTP push answers 413 without an id), so
// the client sizes its pushes to the limit the server announced in `welcome`.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SyncEventTooLargeError, type Transport, webSocketTransport } from '../src/index.js'
import { cleanup, openDevice, startServerProcess, tempDir, until } from './harness.js'
import { events, todos } from './todo-schema.js'

afterEach(cleanup)

describe('a backlog bigger than the frame limit', () => {
  it.each(['ws', 'http'] as const)(
    '300 offline edits of 5 KB each sync over %s',
    async (kind) => {
      const server = await startServerProcess()
      const a = await openDevice(kind === 'ws' ? server.wsUrl : server.url, { autoStart: false })
      const title = 'x'.repeat(5 * 1024)
      for (let i = 0; i < 300; i++) a.store.commit(events.todoCreated({ id: `t${i}`, title }))
      expect(a.client.status.pendingCount.get()).toBe(300)
      a.client.start()
      await a.client.whenSynced({ timeoutMs: 15_000 })
      expect(a.store.sync.pending()).toEqual([])
      expect(a.store.query(todos)).toHaveLength(300)
    },
    30_000,
  )
})

// One event larger than the server's frame limit can never be pushed: the client does not
// send it (the server would close the socket for ever), keeps the session to receive
// others' events, names the event in its status, and pushes it once a server takes it.
describe('one event bigger than the frame limit', () => {
  it('waits with a typed error, no reconnects, still receives; a server with a larger limit takes it', async () => {
    const db = join(tempDir(), 'server.db')
    const small = await startServerProcess({ db, maxFrameBytes: 4096 })
    let connections = 0
    const ws = webSocketTransport({ url: small.wsUrl })
    const counting: Transport = {
      ...ws,
      connect(handlers) {
        connections++
        return ws.connect(handlers)
      },
    }
    const a = await openDevice(small.wsUrl, { transport: counting })
    const b = await openDevice(small.wsUrl)
    const ids = (d: typeof a) =>
      d.store
        .query(todos)
        .map((t) => t.id)
        .sort()
    a.store.commit(events.todoCreated({ id: 'before', title: 'short' }))
    a.store.commit(events.todoCreated({ id: 'big', title: 'x'.repeat(8000) }))
    a.store.commit(events.todoCreated({ id: 'after', title: 'short' }))
    await until(() => a.client.status.error.get() instanceof SyncEventTooLargeError, 'the too-large error')
    const err = a.client.status.error.get() as SyncEventTooLargeError
    expect(err).toMatchObject({
      code: 'event_too_large',
      eventName: 'v1.TodoCreated',
      seq: 2,
      maxFrameBytes: 4096,
    })
    expect(err.bytes).toBeGreaterThan(8000)
    await until(() => ids(b).includes('before'), 'B to get the event before the big one')

    // The session stays open: B's events still reach A, and A does not redial.
    b.store.commit(events.todoCreated({ id: 'from-b', title: 'short' }))
    await until(() => ids(a).includes('from-b'), "A to get B's event")
    await new Promise((r) => setTimeout(r, 500))
    expect(connections).toBe(1)
    expect(a.client.status.all.get()).toMatchObject({
      online: true,
      syncing: false,
      pendingCount: 2,
      error: err,
    })
    expect(ids(b)).toEqual(['before', 'from-b'])

    // The server restarts with its default limit (1 MiB): A pushes the big event and the rest.
    await small.stop()
    await startServerProcess({ db, port: small.port })
    await a.client.whenSynced({ timeoutMs: 15_000 })
    expect(a.client.status.error.get()).toBeNull()
    await until(() => ids(b).length === 4, 'B to get every event of A')
    expect(ids(b)).toEqual(['after', 'before', 'big', 'from-b'])
  }, 30_000)
})
