// The engine's error mapping: a materializer's own failure becomes MaterializerError, but
// a NotLeaderError raised by a read-replica driver reaches the caller of `commit` as is.
import { afterEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { NotLeaderError } from '../browser/errors.js'
import { JournaledDriver } from '../browser/journal.js'
import { betterSqliteMemoryEngine } from '../encryption/better-sqlite3-engine.js'
import { MaterializerError } from '../errors.js'
import { createStore } from './create-store.js'
import type { Store } from './store.js'

let store: Store<typeof schema> | undefined
afterEach(() => {
  store?.close()
  store = undefined
})

/** A replica-like driver: writes allowed while booting, refused once `refusing` is set. */
const replica = () => {
  const state = { refusing: false }
  const driver = new JournaledDriver(betterSqliteMemoryEngine(), {
    refuseWrite: (sql) => (state.refusing ? new NotLeaderError('tabs', sql) : undefined),
  })
  return { state, adapter: { open: () => driver } }
}

describe('Engine error mapping', () => {
  it('lets NotLeaderError from the driver reach the caller of commit unwrapped', async () => {
    const { state, adapter } = replica()
    store = await createStore({ schema, adapter, storeId: 'tabs' })
    store.commit(events.todoCreated({ id: 'a', title: 'from leader time' }))
    state.refusing = true

    let caught: unknown
    try {
      store.commit(events.todoCreated({ id: 'b', title: 'from follower' }))
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(NotLeaderError)
    expect(caught).not.toBeInstanceOf(MaterializerError)
    expect((caught as NotLeaderError).code).toBe('not_leader')
    // Nothing was written and the store still reads.
    expect(store.query(todos.select('id'))).toEqual([{ id: 'a' }])
    expect(store.sync.pending().map((e) => e.args)).toEqual([{ id: 'a', title: 'from leader time' }])
  })

  it('still wraps a materializer that throws in MaterializerError', async () => {
    const { adapter } = replica()
    store = await createStore({ schema, adapter, storeId: 'tabs' })
    expect(() => store?.commit(events.todoExploded({ id: 'x' }))).toThrow(MaterializerError)
  })
})
