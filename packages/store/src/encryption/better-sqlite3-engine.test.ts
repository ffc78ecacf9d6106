import { describe, expect, it } from 'vitest'
import { betterSqliteMemoryEngine } from './better-sqlite3-engine.js'

describe('betterSqliteMemoryEngine', () => {
  it('runs statements, reports readonly, and round-trips an image', () => {
    const a = betterSqliteMemoryEngine()
    a.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    const insert = a.prepare('INSERT INTO t VALUES (?, ?)')
    expect(insert.readonly).toBe(false)
    expect(insert.run(['x', 1])).toEqual({ changes: 1 })
    expect(a.prepare('SELECT * FROM t').readonly).toBe(true)
    expect(insert.all(['y', 2])).toEqual([])
    const b = betterSqliteMemoryEngine()
    b.deserialize(a.serialize())
    expect(b.prepare('SELECT * FROM t ORDER BY id').all()).toEqual([
      { id: 'x', n: 1 },
      { id: 'y', n: 2 },
    ])
    b.exec("INSERT INTO t VALUES ('z', 3)")
    expect(b.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 3 })
    a.close()
    b.close()
  })

  it('changeStamp moves on row and schema changes, not on reads or no-op DDL', () => {
    const e = betterSqliteMemoryEngine()
    const s0 = e.changeStamp()
    e.exec('CREATE TABLE t (x)')
    const s1 = e.changeStamp()
    expect(s1).not.toBe(s0)
    e.exec('CREATE TABLE IF NOT EXISTS t (x)')
    e.prepare('SELECT * FROM t').all()
    expect(e.changeStamp()).toBe(s1)
    e.prepare('INSERT INTO t VALUES (1)').run()
    expect(e.changeStamp()).not.toBe(s1)
    e.close()
  })
})
