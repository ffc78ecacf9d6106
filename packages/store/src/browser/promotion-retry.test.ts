// A follower promoted to leader (it got the lock) loads, snapshots and only then owns the
// database. Before, one failed write in those steps left the tab holding the lock without
// ever owning: every commit was forwarded to a leader that did not exist and flush() timed
// out forever, and the raw DOMException reached onPersistenceError. Now the steps are
// retried until storage works, each failure reported as a PersistenceError. Until the tab
// owns, direct writes are refused (before, they ran as soon as it held the lock, and could
// take a seq the old leader had already made durable).
import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { closeTab as close, role, tabHarness, until } from '../../test/tabs.js'
import { NotLeaderError, PersistenceError } from './errors.js'
import { memoryStorage } from './storage/memory.js'
import type { DurableStorage } from './storage/storage.js'

const { locks, openTab } = tabHarness(schema)

/** Storage over `files` whose writes throw QuotaExceededError while `fail()` says so. */
const flakyStorage = (files: Map<string, Uint8Array>, fail: () => boolean) => (): DurableStorage => {
  const s = memoryStorage(files)
  return {
    ...s,
    write: async (name, bytes) => {
      if (fail()) throw new DOMException('quota', 'QuotaExceededError')
      await s.write(name, bytes)
    },
  }
}

describe('a write fails while a follower is promoted', () => {
  it('one failure: the promoted tab still owns the store, its commit lands and flush resolves', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await openTab('pf1', () => memoryStorage(files))
    a.store.commit(events.todoCreated({ id: 'a1', title: 'by a' }))
    await a.adapter.flush()
    let failNext = false
    const persistenceErrors: Error[] = []
    const b = await openTab(
      'pf1',
      flakyStorage(files, () => {
        const f = failNext
        failNext = false
        return f
      }),
      { forwardTimeoutMs: 1000, onPersistenceError: (e) => persistenceErrors.push(e) },
    )
    failNext = true // one transient failure (e.g. quota, freed a moment later)
    locks.crash('strata-store:pf1')
    await close(a) // the crashed tab is gone (its channel too)
    await until(() => role(b) === 'leader', 'b promoted')
    await new Promise((r) => setTimeout(r, 50))
    b.store.commit(events.todoCreated({ id: 'b1', title: 'by b after promotion' }))
    await expect(b.adapter.flush()).resolves.toBeUndefined()
    expect(b.store.query(todos.orderBy('id', 'asc')).map((t) => t.title)).toEqual([
      'by a',
      'by b after promotion',
    ])
    expect(persistenceErrors).toHaveLength(1)
    expect(persistenceErrors[0]).toBeInstanceOf(PersistenceError)
    expect((persistenceErrors[0]?.cause as DOMException | undefined)?.name).toBe('QuotaExceededError')
    await close(b)
    const again = await openTab('pf1', () => memoryStorage(files))
    expect(again.store.query(todos.orderBy('id', 'asc')).map((t) => t.title)).toEqual([
      'by a',
      'by b after promotion',
    ])
    await close(again)
  })

  it('storage down for a while: typed errors, direct writes refused until the tab owns, then it owns', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await openTab('pf2', () => memoryStorage(files))
    a.store.commit(events.todoCreated({ id: 'a1', title: 'by a' }))
    await a.adapter.flush()
    let down = false
    const persistenceErrors: Error[] = []
    const b = await openTab(
      'pf2',
      flakyStorage(files, () => down),
      { forwardTimeoutMs: 5000, onPersistenceError: (e) => persistenceErrors.push(e) },
    )
    down = true
    locks.crash('strata-store:pf2')
    await close(a)
    await until(() => persistenceErrors.length >= 2, 'promotion retried')
    expect(persistenceErrors.every((e) => e instanceof PersistenceError)).toBe(true)
    // Holds the lock, does not own the database yet: a direct write must not run.
    const driver = [...b.adapter.drivers.values()][0]!
    expect(role(b)).toBe('leader')
    expect(() => driver.exec('CREATE TABLE stray (x)')).toThrow(NotLeaderError)
    b.store.commit(events.todoCreated({ id: 'b1', title: 'while storage is down' }))
    down = false
    await expect(b.adapter.flush()).resolves.toBeUndefined()
    expect(() => driver.exec('CREATE TABLE owned (x)')).not.toThrow()
    expect(b.store.query(todos.orderBy('id', 'asc')).map((t) => t.title)).toEqual([
      'by a',
      'while storage is down',
    ])
    await close(b)
  })
})
