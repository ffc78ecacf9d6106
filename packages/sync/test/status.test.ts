// End to end: the status stores move through offline → online → syncing → synced, show
// a connection error while the server is down (local commits keep working), and clear
// it after the server is back.
import { effect } from '@strata/core'
import { afterEach, describe, expect, it } from 'vitest'
import { SyncConnectionError } from '../src/index.js'
import { join } from 'node:path'
import { cleanup, openDevice, startServerProcess, tempDir, until } from './harness.js'
import { events, todos } from './todo-schema.js'

afterEach(cleanup)

describe('status stores', () => {
  it('transition through a sync, an outage and a recovery', async () => {
    const db = join(tempDir(), 'server.db')
    const server = await startServerProcess({ db })
    const a = await openDevice(server.wsUrl, { autoStart: false })
    const seen: string[] = []
    const stop = effect(() => {
      const s = a.client.status.all.get()
      seen.push(
        `${s.online ? 'online' : 'offline'} ${s.syncing ? 'syncing' : 'idle'} ${s.pendingCount} ${s.error ? s.error.code : '-'}`,
      )
    })
    expect(a.client.status.lastSyncedAt.get()).toBeNull()
    a.store.commit(events.todoCreated({ id: 't', title: 'before start' }))
    a.client.start()
    await a.client.whenSynced()
    expect(a.client.status.lastSyncedAt.get()).toEqual(expect.any(Number))
    expect(seen[0]).toBe('offline idle 0 -')
    expect(seen).toContain('offline idle 1 -')
    expect(seen.some((s) => s.startsWith('online syncing 1'))).toBe(true)
    expect(seen[seen.length - 1]).toBe('online idle 0 -')

    await server.kill()
    await until(() => !a.client.status.online.get(), 'offline after the server died')
    expect(a.client.status.error.get()).toBeInstanceOf(SyncConnectionError)
    a.store.commit(events.todoCreated({ id: 'u', title: 'while down' }))
    expect(a.store.query(todos)).toHaveLength(2) // local data stays usable
    expect(a.client.status.pendingCount.get()).toBe(1)
    expect(seen[seen.length - 1]).toBe('offline idle 1 connection')

    const again = await startServerProcess({ db, port: server.port })
    await until(() => a.client.status.online.get(), 'online again', 30_000)
    await a.client.whenSynced()
    expect(a.client.status.error.get()).toBeNull()
    expect(seen[seen.length - 1]).toBe('online idle 0 -')
    const log = (await (await fetch(`${again.url}/v1/stores/team%3Ae2e/pull?cursor=0`)).json()) as {
      events: unknown[]
    }
    expect(log.events).toHaveLength(2)
    stop()
  })
})
