import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { events, schema as fxSchema, todos } from '../../test/fixtures.js'
import { memoryAdapter } from '../adapters/node.js'
import { MaterializerError, StoreError } from '../errors.js'
import { Events } from '../events/define.js'
import { makeSchema } from '../schema/make-schema.js'
import { Column } from '../tables/columns.js'
import { table } from '../tables/table.js'
import { createStore } from './create-store.js'
import type { Store } from './store.js'

const open: Store[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.close()
})
async function storeOf<S extends Parameters<typeof createStore>[0]['schema']>(
  schema: S,
  durability: 'commit' | 'batched' = 'commit',
): Promise<Store<S>> {
  const s = await createStore({ schema, adapter: memoryAdapter(), storeId: 's', clientId: 'ME', durability })
  open.push(s as unknown as Store)
  return s
}

const t = table('t', {
  id: Column.text({ primaryKey: true }),
  tags: Column.json<string[]>({ default: [] }),
  at: Column.integer({ default: 0 }),
})
const add = Events.synced({ name: 'v1.Add', schema: z.object({ id: z.string(), tags: z.array(z.string()) }) })
const other = Events.synced({ name: 'v1.Other', schema: z.object({}) })
const dated = Events.synced({ name: 'v1.Dated', schema: z.object({ id: z.string(), at: z.date() }) })
const big = Events.synced({ name: 'v1.Big', schema: z.object({ id: z.string(), n: z.bigint() }) })
const none = Events.synced({ name: 'v1.None', schema: z.undefined() })
const loose = Events.synced({ name: 'v1.Loose', schema: z.object({ v: z.unknown() }) })
const schema = makeSchema({
  events: { add, other, dated, big, none, loose },
  tables: { t },
  materializers: {
    'v1.Add': ({ id, tags }, db) => {
      tags.push('seen') // changes the materializer's own copy only
      db.insert(t, { id, tags })
    },
    'v1.Other': () => {},
    'v1.Dated': ({ id, at }, db) => db.insert(t, { id, at: at.getTime() }),
    'v1.Big': ({ id }, db) => db.insert(t, { id }),
    'v1.None': () => {},
    'v1.Loose': () => {},
  },
})

describe('commit hands materializers what a replay hands them', () => {
  it('a materializer changing its payload changes neither the logged event nor a rebase', async () => {
    const store = await storeOf(schema)
    const payload = { id: 'a', tags: ['x'] }
    const [validated] = store.commitAny([add(payload)])
    store.commit(other({}))
    const before = store.query(t.select('tags'))
    store.sync.reject(2, 'no') // rolls back and replays event 1 from the log
    expect(store.sync.pending()[0]?.args).toEqual({ id: 'a', tags: ['x'] })
    expect(validated).toEqual({ id: 'a', tags: ['x'] })
    expect(payload.tags).toEqual(['x'])
    expect(before).toEqual([{ tags: ['x', 'seen'] }])
    expect(store.query(t.select('tags'))).toEqual(before)
  })

  it('refuses a payload that is not plain JSON with event_args_not_json, writing nothing', async () => {
    const store = await storeOf(schema)
    const bad = [
      dated({ id: 'd', at: new Date(5) }),
      big({ id: 'b', n: 1n }),
      none(undefined),
      loose({ v: new Map() }),
      loose({ v: [1, Number.POSITIVE_INFINITY] }),
      loose({ v: { d: new Date(0) } }),
    ]
    for (const ev of bad) {
      let err: unknown
      try {
        store.commit(other({}), ev)
      } catch (e) {
        err = e
      }
      expect(err, ev.name).toBeInstanceOf(StoreError)
      expect((err as StoreError).code).toBe('event_args_not_json')
    }
    expect(store.sync.pending()).toEqual([])
    expect(store.query(t.count())).toBe(0)
    store.commit(loose({ v: { a: [1, 'x', null, true], b: undefined } }))
    expect(store.sync.pending().map((e) => e.args)).toEqual([{ v: { a: [1, 'x', null, true] } }])
  })
})

describe('commit and live-query listeners', () => {
  for (const durability of ['commit', 'batched'] as const)
    it(`a throwing listener: the commit stands, onPending and the commit feed are told, then it throws (${durability})`, async () => {
      const store = await storeOf(fxSchema, durability)
      let calls = 0
      store.subscribe(todos.count(), () => {
        if (calls++ > 0) throw new Error('listener bug')
      })
      let pendingCalls = 0
      store.sync.onPending(() => pendingCalls++)
      const fed: string[] = []
      store.devtools.onCommit((i) => fed.push(...i.events.map((e) => e.name)))
      expect(() => store.commit(events.todoCreated({ id: 'a', title: 'A' }))).toThrow('listener bug')
      expect(store.sync.pending().map((e) => e.seq)).toEqual([1])
      expect(pendingCalls).toBeGreaterThan(0)
      expect(fed).toEqual(['v1.TodoCreated'])
      store.commit(events.todoCompleted({ id: 'a' })) // the count is unchanged: no listener call
      expect(store.sync.pending().map((e) => e.seq)).toEqual([1, 2])
    })

  it('a commit from a listener keeps the outer commit’s tables in the commit feed', async () => {
    const store = await storeOf(fxSchema)
    const infos: { names: string[]; tables: string[] }[] = []
    store.devtools.onCommit((i) => infos.push({ names: i.events.map((e) => e.name), tables: [...i.tables] }))
    let calls = 0
    store.subscribe(todos.count(), () => {
      if (calls++ === 1) store.commit(events.filterSet({ filter: 'open' }))
    })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(infos).toEqual([
      { names: ['v1.FilterSet'], tables: ['ui_filter'] },
      { names: ['v1.TodoCreated'], tables: ['todos'] },
    ])
  })
})

describe('writes from a materializer', () => {
  it('a commit from inside a materializer is refused and the outer commit rolls back', async () => {
    const outer = Events.synced({ name: 'v1.Outer', schema: z.object({}) })
    const inner = Events.synced({ name: 'v1.Inner', schema: z.object({}) })
    let store: Store | undefined
    const s2 = makeSchema({
      events: { outer, inner },
      tables: { t },
      materializers: {
        'v1.Outer': (_a, db) => {
          store?.commit(inner({}) as never)
          db.insert(t, { id: 'o' })
        },
        'v1.Inner': (_a, db) => db.insert(t, { id: 'i' }),
      },
    })
    store = (await storeOf(s2)) as unknown as Store
    let err: unknown
    try {
      store.commit(outer({}) as never)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(MaterializerError)
    expect(((err as MaterializerError).cause as StoreError).code).toBe('write_in_materializer')
    expect(store.sync.pending()).toEqual([])
    expect(store.query(t.count())).toBe(0)
    store.commit(inner({}) as never)
    expect(store.sync.pending().map((e) => e.seq)).toEqual([1])
  })
})
