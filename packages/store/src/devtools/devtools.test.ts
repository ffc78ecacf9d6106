import { setUnmountDelay } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { memoryAdapter } from '../adapters/node.js'
import { StoreClosedError } from '../errors.js'
import { createStore } from '../store/create-store.js'
import type { CommitInfo } from './devtools.js'

describe('store.devtools', () => {
  it('exposes the log, tables, live queries with run counts and a commit feed', async () => {
    setUnmountDelay(0)
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'dev' })
    const commits: CommitInfo[] = []
    const off = store.devtools.onCommit((c) => commits.push(c))
    const count$ = store.queryDb(todos.count(), { label: 'count' })
    const unsub = count$.subscribe(() => undefined)
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    store.commit(events.filterSet({ filter: 'done' }))
    off()
    unsub()
    expect(store.devtools.events().map((e) => [e.name, e.pending, e.clientOnly])).toEqual([
      ['v1.FilterSet', false, true],
      ['v1.TodoCreated', true, false],
    ])
    expect(store.devtools.events({ limit: 1, offset: 1 })[0]?.args).toEqual({ id: 'a', title: 'A' })
    expect(store.devtools.tables()).toEqual([
      { name: 'todos', rows: 1 },
      { name: 'ui_filter', rows: 1 },
    ])
    expect(store.devtools.tableRows('todos')[0]).toMatchObject({ id: 'a', done: 0 })
    expect(store.devtools.tableRows('nope')).toEqual([])
    const q = store.devtools.liveQueries().find((l) => l.label === 'count')
    expect(q).toMatchObject({ runs: 2, tables: ['todos'] })
    expect(commits.map((c) => [c.events.map((e) => e.name), c.tables])).toEqual([
      [['v1.TodoCreated'], ['todos']],
      [['v1.FilterSet'], ['ui_filter']],
    ])
    expect(store.devtools.stats()).toMatchObject({ commits: 2, events: 2, logSize: 2 })
    store.close()
  })

  it('reading the database through devtools after close() throws StoreClosedError', async () => {
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'dev-closed' })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    store.close()
    for (const read of [
      () => store.devtools.events(),
      () => store.devtools.tables(),
      () => store.devtools.tableRows('todos'),
      () => store.devtools.stats(),
    ]) {
      expect(read).toThrow(StoreClosedError)
    }
    expect(store.devtools.liveQueries()).toEqual([])
  })
})
