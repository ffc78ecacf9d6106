import { computed, effect, setUnmountDelay, signal } from '@strata/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { events, schema, todos } from '../../test/fixtures.js'
import { memoryAdapter } from '../adapters/node.js'
import { EventValidationError, MaterializerError, StoreClosedError, UnknownEventError } from '../errors.js'
import { Events } from '../events/define.js'
import type { MaterializerContext } from '../materializers/writer.js'
import { rawSql } from '../query/query.js'
import { makeSchema } from '../schema/make-schema.js'
import { createStore } from './create-store.js'
import type { Store } from './store.js'

let store: Store<typeof schema>
beforeEach(async () => {
  setUnmountDelay(0)
  store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'test' })
})
afterEach(() => store.close())

describe('commit and query', () => {
  it('commits an event and reads it back synchronously with decoded types', () => {
    store.commit(events.todoCreated({ id: 't1', title: 'Buy milk', tags: ['home'] }))
    const row = store.query(todos.where({ id: 't1' }).first())
    expect(row).toEqual({
      id: 't1',
      title: 'Buy milk',
      done: false,
      position: 0,
      tags: ['home'],
      deletedAt: null,
    })
    expect(store.boot.mode).toBe('created')
  })

  it('commits several events atomically', () => {
    store.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCompleted({ id: 'a' }))
    expect(store.query(todos.where({ done: true }).count())).toBe(1)
  })

  it('validates every payload before touching anything and names event and field', () => {
    let err: unknown
    try {
      store.commit(
        events.todoCreated({ id: 'ok', title: 'fine' }),
        events.todoCreated({ id: 'bad', title: '' }),
      )
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(EventValidationError)
    expect((err as EventValidationError).eventName).toBe('v1.TodoCreated')
    expect((err as EventValidationError).field).toBe('title')
    expect(store.query(todos.count())).toBe(0)
    expect(store.devtools.events()).toHaveLength(0)
  })

  it('rejects an unknown event name', () => {
    expect(() => store.commitAny([{ name: 'v9.Nope', args: {} }])).toThrow(UnknownEventError)
  })

  it('rolls back the whole commit when a materializer throws and stays usable', () => {
    store.commit(events.todoCreated({ id: 'keep', title: 'Keep' }))
    let err: unknown
    try {
      store.commit(events.todoCreated({ id: 'x', title: 'X' }), events.todoExploded({ id: 'y' }))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(MaterializerError)
    expect((err as MaterializerError).eventName).toBe('v1.TodoExploded')
    expect(store.query(todos.select('id'))).toEqual([{ id: 'keep' }])
    expect(store.devtools.events()).toHaveLength(1)
    store.commit(events.todoCreated({ id: 'after', title: 'After' }))
    expect(store.query(todos.count())).toBe(2)
    expect(store.sync.pending().map((e) => e.seq)).toEqual([1, 2])
  })

  it('a duplicate primary key fails the commit with the event named', () => {
    store.commit(events.todoCreated({ id: 'd', title: 'D' }))
    expect(() => store.commit(events.todoCreated({ id: 'd', title: 'again' }))).toThrow(/v1.TodoCreated/)
  })

  it('supports operators, ordering, limit/offset and raw SQL', () => {
    for (let i = 0; i < 10; i++)
      store.commit(events.todoCreated({ id: `t${i}`, title: `T${i}`, position: i }))
    store.commit(events.todoCompleted({ id: 't3' }))
    expect(store.query(todos.where('position', '>=', 7).select('id').orderBy('position', 'desc'))).toEqual([
      { id: 't9' },
      { id: 't8' },
      { id: 't7' },
    ])
    expect(store.query(todos.where({ position: { gt: 1, lte: 3 } }).count())).toBe(2)
    expect(store.query(todos.where({ id: { in: ['t1', 't2', 'zz'] } }).count())).toBe(2)
    expect(store.query(todos.where({ title: { like: 'T1%' } }).select('id'))).toEqual([{ id: 't1' }])
    expect(store.query(todos.where({ deletedAt: null }).count())).toBe(10)
    expect(store.query(todos.where({ deletedAt: { isNull: false } }).count())).toBe(0)
    expect(store.query(todos.where('id', '!=', 't0').count())).toBe(9)
    expect(store.query(todos.where({ position: { ne: 0 } }).count())).toBe(9)
    expect(store.query(todos.where({ position: { lt: 2 } }).count())).toBe(2)
    expect(store.query(todos.where({ position: { gte: 8 } }).count())).toBe(2)
    expect(store.query(todos.orderBy('position').offset(8).select('id'))).toEqual([
      { id: 't8' },
      { id: 't9' },
    ])
    expect(store.query(todos.orderBy('position').limit(2).offset(1).select('id'))).toEqual([
      { id: 't1' },
      { id: 't2' },
    ])
    expect(store.query(todos.where({ done: true }).first())?.id).toBe('t3')
    expect(
      store.query(rawSql<{ n: number }[]>('SELECT count(*) AS n FROM todos WHERE done = ?', [true])),
    ).toEqual([{ n: 1 }])
  })

  it('throws StoreClosedError after close', () => {
    store.close()
    expect(() => store.commit(events.todoCreated({ id: 'a', title: 'A' }))).toThrow(StoreClosedError)
  })
})

describe('live queries', () => {
  it('are core nodes that compose with computed and effect', () => {
    const open$ = store.queryDb(todos.where({ done: false }).count())
    const label$ = computed(() => `${open$.get()} open`)
    const seen: string[] = []
    const stop = effect(() => {
      seen.push(label$.get())
    })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    store.commit(events.todoCreated({ id: 'b', title: 'B' }))
    store.commit(events.todoCompleted({ id: 'a' }))
    stop()
    expect(seen).toEqual(['0 open', '1 open', '2 open', '1 open'])
  })

  it('does not re-run a by-id query for writes to other ids', () => {
    store.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCreated({ id: 'b', title: 'B' }))
    const a$ = store.queryDb(todos.where({ id: 'a' }).first(), { label: 'todo a' })
    const values: (string | undefined)[] = []
    const off = a$.subscribe((r) => values.push(r?.title))
    const runs = () => store.devtools.liveQueries().find((q) => q.label === 'todo a')?.runs ?? -1
    const before = runs()
    store.commit(events.todoRenamed({ id: 'b', title: 'B2' }))
    store.commit(events.todoCreated({ id: 'c', title: 'C' }))
    expect(runs()).toBe(before)
    store.commit(events.todoRenamed({ id: 'a', title: 'A2' }))
    expect(runs()).toBe(before + 1)
    expect(values).toEqual(['A', 'A2'])
    off()
  })

  it('cuts off equal results', () => {
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    const done$ = store.queryDb(todos.where({ done: true }).count())
    const seen: number[] = []
    const off = done$.subscribe((n) => seen.push(n))
    store.commit(events.todoCreated({ id: 'b', title: 'B' }))
    store.commit(events.todoCompleted({ id: 'b' }))
    off()
    expect(seen).toEqual([0, 1])
  })

  it('shares one node per query and stays fresh when unobserved', () => {
    const q1 = store.queryDb(todos.count())
    const q2 = store.queryDb(() => todos.count(), { deps: [] })
    expect(q1).toBe(q2)
    expect(q1.get()).toBe(0)
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(q1.get()).toBe(1)
    expect(store.query(q1)).toBe(1)
  })

  it('reactive parameters: a computed picks the live query for the selected id', () => {
    store.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCreated({ id: 'b', title: 'B' }))
    const selected = signal('a')
    const title$ = computed(() => store.queryDb(todos.where({ id: selected.get() }).first()).get()?.title)
    const seen: (string | undefined)[] = []
    const off = title$.subscribe((t) => seen.push(t))
    store.commit(events.todoRenamed({ id: 'a', title: 'A!' }))
    selected.set('b')
    store.commit(events.todoRenamed({ id: 'b', title: 'B!' }))
    off()
    expect(seen).toEqual(['A', 'A!', 'B', 'B!'])
  })
})

describe('client-only events', () => {
  it('are logged but never pending', () => {
    store.commit(events.filterSet({ filter: 'done' }))
    expect(store.sync.pending()).toEqual([])
    expect(store.devtools.events()[0]?.clientOnly).toBe(true)
  })
})

describe('materializer contract', () => {
  it('refuses an async materializer and rolls the commit back', async () => {
    const ev = Events.synced({ name: 'v1.Async', schema: z.object({ id: z.string() }) })
    const s2 = makeSchema({
      events: { ev },
      tables: { todos },
      materializers: {
        'v1.Async': (async ({ id }: { id: string }, db: MaterializerContext) => {
          db.insert(todos, { id, title: 'x' })
        }) as never,
      },
    })
    const st = await createStore({ schema: s2, adapter: memoryAdapter(), storeId: 'async' })
    expect(() => st.commit(ev({ id: 'a' }))).toThrow(/v1.Async.*synchronous/)
    expect(st.query(todos.count())).toBe(0)
    st.close()
  })
})
