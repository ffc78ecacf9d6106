import { describe, expect, it } from 'vitest'
import { todos } from '../../test/fixtures.js'
import { mayAffect, tablesInSql } from './invalidation.js'

describe('invalidation rule', () => {
  const byId = todos.where({ id: 'a' }).first().compile()
  const byIds = todos.where({ id: { in: ['a', 'b'] } }).compile()
  const all = todos.where({ done: false }).compile()

  it('ignores commits to other tables', () => {
    expect(mayAffect(all, new Map([['ui_filter', null]]))).toBe(false)
  })
  it('re-runs row-set queries on any touch of their table', () => {
    expect(mayAffect(all, new Map([['todos', new Set(['zz'])]]))).toBe(true)
  })
  it('skips pinned queries for other ids, re-runs for theirs', () => {
    expect(mayAffect(byId, new Map([['todos', new Set(['b'])]]))).toBe(false)
    expect(mayAffect(byId, new Map([['todos', new Set(['a'])]]))).toBe(true)
    expect(mayAffect(byIds, new Map([['todos', new Set(['b', 'c'])]]))).toBe(true)
  })
  it('re-runs pinned queries when touched rows are unknown', () => {
    expect(mayAffect(byId, new Map([['todos', null]]))).toBe(true)
  })
  it('finds schema tables named in raw SQL', () => {
    expect(
      tablesInSql('SELECT * FROM todos t JOIN ui_filter f ON 1', new Set(['todos', 'ui_filter', 'x'])),
    ).toEqual(['todos', 'ui_filter'])
  })
})
