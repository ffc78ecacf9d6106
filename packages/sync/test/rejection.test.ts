// End to end: the server refuses an event the client's own schema allowed. The client
// removes it (rolling back its effects and replaying what came after), tells the app
// with a typed rejection, and nothing after it is lost.
import { afterEach, describe, expect, it } from 'vitest'
import { SyncEventRejectedError, type SyncRejection } from '../src/index.js'
import { cleanup, openDevice, startServerProcess, until } from './harness.js'
import { events, todos } from './todo-schema.js'

afterEach(cleanup)

describe('rejection flow', () => {
  it('removes the refused event, reports it, keeps every later event', async () => {
    const server = await startServerProcess({ strict: true })
    const a = await openDevice(server.wsUrl)
    const b = await openDevice(server.wsUrl)
    const rejections: SyncRejection[] = []
    a.client.onRejection((r) => rejections.push(r))
    const storeRejections: string[] = []
    a.store.onRejection((e) => storeRejections.push(e.message))

    a.store.commit(events.todoCreated({ id: 'ok1', title: 'short' }))
    a.store.commit(events.todoCreated({ id: 'bad', title: 'a title that is far too long for the server' }))
    a.store.commit(events.todoRenamed({ id: 'ok1', title: 'still short' }))
    a.store.commit(events.todoCreated({ id: 'ok2', title: 'after the bad one' }))
    // Local first: all four applied locally before the server has said anything.
    expect(
      a.store
        .query(todos)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['bad', 'ok1', 'ok2'])

    await until(() => rejections.length === 1, 'the rejection')
    await a.client.whenSynced()
    const r = rejections[0]!
    expect(r.code).toBe('invalid')
    expect(r.event).toMatchObject({ name: 'v1.TodoCreated', seq: 2, args: { id: 'bad' } })
    expect(r.reason).toMatch(/title/)
    expect(r.error).toBeInstanceOf(SyncEventRejectedError)
    expect(storeRejections).toHaveLength(1)

    const rows = (d: typeof a) =>
      d.store
        .query(todos)
        .map((t) => `${t.id}:${t.title}`)
        .sort()
    expect(rows(a)).toEqual(['ok1:still short', 'ok2:after the bad one'])
    await until(() => rows(b).length === 2, 'B to see the accepted events')
    expect(rows(b)).toEqual(rows(a))
    expect(a.store.sync.pending()).toEqual([])
  })
})
