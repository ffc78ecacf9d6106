import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { memoryAdapter } from '../adapters/node.js'
import { QueryError } from '../errors.js'
import { createStore } from '../store/create-store.js'

describe('query builder', () => {
  it('compiles filters, total order and limits to parameterised SQL', () => {
    const q = todos
      .where({ done: false, deletedAt: null })
      .where('position', '>=', 2)
      .orderBy('position', 'desc')
      .limit(5)
      .offset(10)
      .compile()
    expect(q.sql).toBe(
      'SELECT * FROM "todos" WHERE "done" = ? AND "deletedAt" IS NULL AND "position" >= ? ORDER BY "position" DESC, "id" ASC LIMIT 5 OFFSET ?',
    )
    // The limit is part of the SQL: a bound LIMIT makes SQLite re-prepare on every run.
    expect(q.params).toEqual([0, 2, 10])
    expect(q.patch).toBeUndefined()
  })
  it('is immutable and pins primary keys', () => {
    const base = todos.where({ done: true })
    const narrowed = base.where({ id: 'a' })
    expect(base.compile().ids).toBeUndefined()
    expect(narrowed.compile().ids).toEqual({ table: 'todos', ids: ['a'] })
    expect(base.compile().patch?.order).toEqual([])
  })
  it('counts with and without limits', () => {
    expect(todos.where({ done: true }).count().compile().sql).toBe(
      'SELECT count(*) AS c FROM "todos" WHERE "done" = ?',
    )
    expect(todos.limit(3).count().compile().sql).toBe(
      'SELECT count(*) AS c FROM (SELECT 1 FROM "todos" LIMIT 3)',
    )
  })
  it('refuses unknown columns, operators and bad limits with QueryError', () => {
    expect(() => todos.where({ nope: 1 } as never)).toThrow(QueryError)
    expect(() => todos.where('position', '~' as never, 1)).toThrow(QueryError)
    expect(() => todos.where({ position: { near: 1 } } as never)).toThrow(QueryError)
    expect(() => todos.limit(-1)).toThrow(QueryError)
    expect(() => todos.limit(2 ** 53)).toThrow(QueryError)
    expect(() => todos.orderBy('position', 'sideways' as never)).toThrow(QueryError)
  })
  it('empty IN lists match nothing', () => {
    expect(todos.where({ id: { in: [] } }).compile().sql).toBe('SELECT * FROM "todos" WHERE 0')
  })
  it('first() never widens a smaller limit: limit(0).first() is undefined', async () => {
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'b' })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(store.query(todos.limit(0).first())).toBeUndefined()
    expect(store.query(todos.limit(5).first())?.id).toBe('a')
    store.close()
  })
  it('null compares as IS [NOT] NULL only with = and !=; other operators match nothing, as in SQL', async () => {
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'b' })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(store.query(todos.where('deletedAt', '>', null))).toEqual([])
    expect(store.query(todos.where('deletedAt', '<=', null))).toEqual([])
    expect(store.query(todos.where({ deletedAt: { gte: null as never } }))).toEqual([])
    expect(store.query(todos.where('deletedAt', '=', null))).toHaveLength(1)
    expect(store.query(todos.where('deletedAt', '!=', null))).toEqual([])
    expect(store.query(todos.where({ deletedAt: { eq: null as never } }))).toHaveLength(1)
    store.close()
  })
  it('an operator object on a JSON column is a QueryError, not a silent JSON comparison', () => {
    expect(() => todos.where({ tags: { isNull: false } as never })).toThrow(QueryError)
    expect(() => todos.where({ tags: { in: [['a']] } as never })).toThrow(/JSON column/)
    // Arrays and other objects are JSON values compared as JSON text.
    expect(todos.where({ tags: ['a'] }).compile().params).toEqual(['["a"]'])
  })
})
