// End to end: a backlog of offline edits far larger than the server's frame limit (1 MiB
// by default) syncs with the default batch size. The real server never names the push it
// refused (the WebSocket closes with 1009, the HTTP push answers 413 without an id), so
// the client sizes its pushes to the limit the server announced in `welcome`.
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, openDevice, startServerProcess } from './harness.js'
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
