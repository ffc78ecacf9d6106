import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { memoryAdapter } from '../adapters/node.js'
import { Events } from '../events/define.js'
import { makeSchema } from '../schema/make-schema.js'
import { createStore } from '../store/create-store.js'
import { Column } from './columns.js'
import { table } from './table.js'

describe('json columns', () => {
  it('a json column that is not nullable holds the JSON value null (insert and update), and rolls back to it', async () => {
    const t = table('t', {
      id: Column.text({ primaryKey: true }),
      v: Column.json<unknown>(),
      n: Column.json<unknown>({ nullable: true }),
    })
    const put = Events.synced({ name: 'v1.Put', schema: z.object({ id: z.string(), v: z.unknown() }) })
    const set = Events.synced({ name: 'v1.Set', schema: z.object({ id: z.string(), v: z.unknown() }) })
    const schema = makeSchema({
      events: { put, set },
      tables: { t },
      materializers: {
        'v1.Put': ({ id, v }, db) => db.insert(t, { id, v, n: null }),
        'v1.Set': ({ id, v }, db) => {
          db.update(t, { id }, { v })
        },
      },
    })
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'j' })
    store.commit(put({ id: 'a', v: null }), put({ id: 'b', v: [1] }))
    store.commit(set({ id: 'b', v: null }))
    expect(store.query(t.orderBy('id', 'asc'))).toEqual([
      { id: 'a', v: null, n: null },
      { id: 'b', v: null, n: null },
    ])
    // a nullable json column still stores null as SQL NULL
    expect(store.query(t.where({ n: null }).count())).toBe(2)
    store.commit(set({ id: 'a', v: { x: 1 } }))
    store.sync.reject(4, 'no')
    expect(store.query(t.where({ id: 'a' }).first())).toEqual({ id: 'a', v: null, n: null })
    store.close()
  })
})

describe('json column defaults', () => {
  it('a json column that is not nullable takes a default of null: an insert that omits it reads back null', async () => {
    const t = table('t', {
      id: Column.text({ primaryKey: true }),
      v: Column.json<unknown>({ default: null }),
      n: Column.json<unknown>({ nullable: true, default: null }),
    })
    const put = Events.synced({ name: 'v1.Put', schema: z.object({ id: z.string() }) })
    const schema = makeSchema({
      events: { put },
      tables: { t },
      materializers: { 'v1.Put': ({ id }, db) => db.insert(t, { id }) },
    })
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'd' })
    store.commit(put({ id: 'a' }))
    expect(store.query(t.first())).toEqual({ id: 'a', v: null, n: null })
    // the JSON value null is not SQL NULL; the nullable column's default is
    expect(store.query(t.where({ v: null }).count())).toBe(0)
    expect(store.query(t.where({ n: null }).count())).toBe(1)
    store.close()
  })
})
