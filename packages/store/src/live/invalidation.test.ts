import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { memoryAdapter } from '../adapters/node.js'
import { rawSql } from '../query/query.js'
import { createStore } from '../store/create-store.js'
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
  it('finds tables named in another letter case, as SQLite resolves them', () => {
    expect(tablesInSql('SELECT * FROM Todos JOIN "UI_FILTER" ON 1', new Set(['todos', 'ui_filter']))).toEqual(
      ['todos', 'ui_filter'],
    )
  })
  it('re-runs raw SQL that names a table in another letter case', async () => {
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'i' })
    const live = store.queryDb(rawSql<{ n: number }[]>('SELECT count(*) AS n FROM Todos'))
    expect(live.get()[0]?.n).toBe(0)
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(live.get()[0]?.n).toBe(1)
    store.close()
  })
})
