import { describe, expect, it } from 'vitest'
import { todos } from '../../test/fixtures.js'
import { QueryError } from '../errors.js'

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
})
