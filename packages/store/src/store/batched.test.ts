import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { nodeAdapter } from '../adapters/node.js'
import { MaterializerError } from '../errors.js'
import { createStore } from './create-store.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-batched-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe("durability: 'batched' (group commit)", () => {
  it('groups commits, rolls a failing one back alone, and persists on flush', async () => {
    const store = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir }),
      storeId: 'g',
      durability: 'batched',
    })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(() =>
      store.commit(events.todoCreated({ id: 'b', title: 'B' }), events.todoExploded({ id: 'x' })),
    ).toThrow(MaterializerError)
    store.commit(events.todoCreated({ id: 'c', title: 'C' }))
    expect(store.query(todos.select('id').orderBy('id'))).toEqual([{ id: 'a' }, { id: 'c' }])
    store.flush()
    store.close()
    const again = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'g' })
    expect(again.boot.mode).toBe('opened')
    expect(again.query(todos.select('id').orderBy('id'))).toEqual([{ id: 'a' }, { id: 'c' }])
    expect(again.sync.pending().map((e) => e.seq)).toEqual([1, 2])
    again.close()
  })

  it('tells the sync client about pending events only once they are durable', async () => {
    const store = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir }),
      storeId: 'g',
      durability: 'batched',
    })
    let calls = 0
    store.sync.onPending(() => calls++)
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    store.commit(events.todoCreated({ id: 'b', title: 'B' }))
    expect(calls).toBe(0)
    store.flush()
    expect(calls).toBe(1)
    store.commit(events.todoCreated({ id: 'c', title: 'C' }))
    // Reading pending flushes first, so nothing non-durable is ever pushed.
    expect(store.sync.pending().map((e) => e.seq)).toEqual([1, 2, 3])
    expect(calls).toBe(2)
    store.close()
  })

  it('commits the group at the next macrotask', async () => {
    const store = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir }),
      storeId: 'g',
      durability: 'batched',
    })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    await new Promise((r) => setTimeout(r, 20))
    // A second connection sees the row only once the group transaction committed.
    const reader = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'g' })
    expect(reader.query(todos.count())).toBe(1)
    reader.close()
    store.close()
  })
})
