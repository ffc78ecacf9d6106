import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { memoryAdapter } from '../adapters/node.js'
import { QueryError } from '../errors.js'
import { rawSql } from '../query/query.js'
import { createStore } from '../store/create-store.js'

const open = () => createStore({ schema, adapter: memoryAdapter(), storeId: 'lq' })

describe('live query cache', () => {
  it('first() gets its own live node, not the array of the limit(1) query with the same SQL', async () => {
    const store = await open()
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(store.queryDb(todos.where({ id: 'a' }).limit(1)).get()).toHaveLength(1)
    const row$ = store.queryDb(todos.where({ id: 'a' }).first())
    expect(row$.get()).toEqual(store.query(todos.where({ id: 'a' }).first()))
    expect(row$.get()?.id).toBe('a')
    store.close()
  })

  it('raw SQL with another decoder or other tables gets its own live node', async () => {
    const store = await open()
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(store.queryDb(rawSql('SELECT id FROM todos')).get()).toEqual([{ id: 'a' }])
    const n$ = store.queryDb(rawSql('SELECT id FROM todos', [], { decode: (r) => r.length }))
    expect(n$.get()).toBe(1)
    // Listed tables decide what re-runs it: another node than the detected ones.
    const listed = store.queryDb(rawSql('SELECT id FROM todos', [], { tables: ['ui_filter'] }))
    expect(listed).not.toBe(store.queryDb(rawSql('SELECT id FROM todos')))
    // The same query (same decoder) still shares one node.
    const decode = (r: Record<string, unknown>[]) => r.length
    expect(store.queryDb(rawSql('SELECT id FROM todos', [], { decode }))).toBe(
      store.queryDb(rawSql('SELECT id FROM todos', [], { decode })),
    )
    store.close()
  })

  it('keys parameters exactly: ±Infinity, NaN, null, -0, bigint and strings do not collide', async () => {
    const store = await open()
    store.commit(events.todoCreated({ id: 'a', title: 'A', position: 3 }))
    expect(store.queryDb(todos.where('position', '<', -Infinity).count()).get()).toBe(0)
    expect(store.queryDb(todos.where('position', '<', Infinity).count()).get()).toBe(1)
    const keys = [Infinity, -Infinity, Number.NaN, null, 0, -0, 1n, '1', 1, 'null', new Uint8Array([1])].map(
      (p) => rawSql('SELECT ? AS x', [p]).compile().key,
    )
    expect(new Set(keys).size).toBe(keys.length)
    expect(store.queryDb(rawSql('SELECT ? AS x', [2n ** 62n])).get()).toEqual([{ x: 2 ** 62 }])
    store.close()
  })

  it("rawSql's tables option ignores letter case as SQLite does, and refuses a table the schema lacks", async () => {
    const store = await open()
    const n$ = store.queryDb(rawSql('SELECT count(*) AS n FROM todos', [], { tables: ['Todos'] }))
    expect(n$.get()).toEqual([{ n: 0 }])
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(n$.get()).toEqual([{ n: 1 }])
    expect(() => store.queryDb(rawSql('SELECT 1', [], { tables: ['todoz'] }))).toThrow(QueryError)
    expect(() => store.queryDb(rawSql('SELECT 1', [], { tables: ['todoz'] }))).toThrow(
      /no table named "todoz"/,
    )
    store.close()
  })
})
