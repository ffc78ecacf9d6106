import { setUnmountDelay } from '@strata/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { memoryAdapter } from '../adapters/node.js'
import { createStore } from '../store/create-store.js'

const byId = (rows: readonly { id: string }[]) =>
  [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

describe('live result patching', () => {
  it('property: patched live results equal a fresh query after every commit', async () => {
    setUnmountDelay(0)
    type Op =
      | { k: 'create'; title: string; position: number }
      | { k: 'rename'; target: number; title: string }
      | { k: 'complete'; target: number }
      | { k: 'clear' }
      | { k: 'many'; n: number }
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        k: fc.constant('create' as const),
        title: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
        position: fc.integer({ min: -3, max: 3 }),
      }),
      fc.record({
        k: fc.constant('rename' as const),
        target: fc.nat(30),
        title: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
      }),
      fc.record({ k: fc.constant('complete' as const), target: fc.nat(30) }),
      fc.record({ k: fc.constant('clear' as const) }),
      fc.record({ k: fc.constant('many' as const), n: fc.integer({ min: 0, max: 80 }) }),
    )
    let patched = 0
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'p' })
        const queries = {
          openByPosition: todos.where({ done: false }).orderBy('position', 'desc'),
          byTitle: todos.orderBy('title'),
          open: todos.where({ done: false }),
          picked: todos.select('id', 'title').orderBy('title', 'desc'),
        }
        const live = Object.fromEntries(Object.entries(queries).map(([k, q]) => [k, store.queryDb(q)])) as {
          [K in keyof typeof queries]: ReturnType<
            typeof store.queryDb<
              ReturnType<(typeof queries)[K]['compile']> extends { decode(r: never): infer R } ? R : never
            >
          >
        }
        const offs = Object.values(live).map((l) => l.subscribe(() => undefined))
        let n = 0
        const ids: string[] = []
        for (const op of ops) {
          const target = ids.length ? (ids[('target' in op ? op.target : 0) % ids.length] as string) : 'none'
          if (op.k === 'create') {
            const id = `t${n++}`
            ids.push(id)
            store.commit(events.todoCreated({ id, title: op.title, position: op.position }))
          } else if (op.k === 'rename') store.commit(events.todoRenamed({ id: target, title: op.title }))
          else if (op.k === 'complete') store.commit(events.todoCompleted({ id: target }))
          else if (op.k === 'clear') store.commit(events.todosCleared({}))
          else
            store.commit(
              ...Array.from({ length: op.n }, (_, i) => {
                const id = `m${n++}`
                ids.push(id)
                return events.todoCreated({ id, title: `x${i % 3}`, position: i % 5 })
              }),
            )
          expect(live.openByPosition.get()).toEqual(store.query(queries.openByPosition))
          expect(live.byTitle.get()).toEqual(store.query(queries.byTitle))
          expect(live.picked.get()).toEqual(store.query(queries.picked))
          expect(byId(live.open.get())).toEqual(byId(store.query(queries.open)))
        }
        patched += store.devtools.liveQueries().reduce((s, q) => s + q.patches, 0)
        for (const off of offs) off()
        store.close()
      }),
      { numRuns: 80 },
    )
    expect(patched).toBeGreaterThan(0)
  })

  it('a patch that changes nothing keeps the previous array', async () => {
    setUnmountDelay(0)
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'p' })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCreated({ id: 'b', title: 'B' }))
    const all$ = store.queryDb(todos.where({ done: false }))
    const seen: unknown[] = []
    const off = all$.subscribe((rows) => seen.push(rows))
    store.commit(events.todoRenamed({ id: 'a', title: 'A' }))
    store.commit(events.todoRenamed({ id: 'b', title: 'B2' }))
    off()
    expect(seen).toHaveLength(2)
    const [first, second] = seen as { id: string; title: string }[][]
    expect(second?.map((r) => r.title)).toEqual(['A', 'B2'])
    // The unchanged row keeps its identity.
    expect(second?.[0]).toBe(first?.[0])
    expect(store.devtools.liveQueries()[0]?.patches).toBe(2)
    store.close()
  })
})

describe('patchable queries', () => {
  it('a select() without a sort column re-runs instead of patching, so the order stays right', async () => {
    setUnmountDelay(0)
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'p' })
    const q = todos.orderBy('position').select('id')
    expect(q.compile().patch).toBeUndefined()
    expect(todos.orderBy('position').select('id', 'position').compile().patch).toBeDefined()
    const live = store.queryDb(q)
    const off = live.subscribe(() => undefined)
    store.commit(events.todoCreated({ id: 'a', title: 'A', position: 5 }))
    live.get()
    store.commit(events.todoCreated({ id: 'b', title: 'B', position: 1 }))
    expect(live.get()).toEqual([{ id: 'b' }, { id: 'a' }])
    expect(live.get()).toEqual(store.query(q))
    off()
    store.close()
  })
})

describe('bulk writes', () => {
  it('a commit touching more rows than are tracked per table still updates every live query right', async () => {
    setUnmountDelay(0)
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'bulk' })
    store.commit(events.todoCreated({ id: 'watched', title: 'before' }))
    const one = store.queryDb(todos.where({ id: 'watched' }).first())
    const other = store.queryDb(todos.where({ id: 'untouched' }).first())
    const count = store.queryDb(todos.count())
    const seen: (string | undefined)[] = []
    const off = [
      one.subscribe((r) => seen.push(r?.title)),
      other.subscribe(() => {}),
      count.subscribe(() => {}),
    ]
    // 2,000 rows in one transaction (an upstream page), the watched row among them.
    const bulk = Array.from({ length: 2000 }, (_, i) => events.todoCreated({ id: `b${i}`, title: 'x' }))
    store.commit(...bulk, events.todoRenamed({ id: 'watched', title: 'after' }))
    expect(one.get()?.title).toBe('after')
    expect(other.get()).toBeUndefined()
    expect(count.get()).toBe(2001)
    expect(seen).toEqual(['before', 'after'])
    for (const f of off) f()
    store.close()
  })
})
