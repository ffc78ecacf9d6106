import { describe, expect, it } from 'vitest'
import { wasmEngine } from '../../test/browser-support.js'
import type { JournalRecord } from './codec.js'
import { JournaledDriver } from './journal.js'

const setup = async () => {
  const records: JournalRecord[] = []
  const driver = new JournaledDriver(await wasmEngine(), { onRecord: (r) => records.push(r) })
  return { driver, records }
}

describe('JournaledDriver', () => {
  it('journals the writes of each committed transaction as one record, reads not at all', async () => {
    const { driver, records } = await setup()
    driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    driver.transaction(() => {
      const insert = driver.prepare('INSERT INTO t VALUES (?, ?)')
      insert.run(['a', 1])
      insert.run(['b', 2])
      driver.prepare('SELECT * FROM t').all()
    })
    expect(records).toEqual([
      { seq: 1, ops: [{ sql: 'CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)' }] },
      {
        seq: 2,
        ops: [
          { sql: 'INSERT INTO t VALUES (?, ?)', params: ['a', 1] },
          { sql: 'INSERT INTO t VALUES (?, ?)', params: ['b', 2] },
        ],
      },
    ])
    expect(driver.head).toBe(2)
  })

  it('a transaction that throws is rolled back and journals nothing', async () => {
    const { driver, records } = await setup()
    driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY)')
    expect(() =>
      driver.transaction(() => {
        driver.prepare('INSERT INTO t VALUES (?)').run(['a'])
        throw new Error('materializer failed')
      }),
    ).toThrow('materializer failed')
    expect(driver.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 0 })
    expect(records).toHaveLength(1)
  })

  it('nested transactions are savepoints: an inner failure drops only its own writes', async () => {
    const { driver, records } = await setup()
    driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY)')
    driver.transaction(() => {
      driver.prepare('INSERT INTO t VALUES (?)').run(['outer'])
      expect(() =>
        driver.transaction(() => {
          driver.prepare('INSERT INTO t VALUES (?)').run(['inner'])
          throw new Error('inner')
        }),
      ).toThrow('inner')
    })
    expect(driver.prepare('SELECT id FROM t').all()).toEqual([{ id: 'outer' }])
    expect(records[1]?.ops).toEqual([{ sql: 'INSERT INTO t VALUES (?)', params: ['outer'] }])
  })

  it('replaying the records on an empty engine rebuilds the same database', async () => {
    const { driver, records } = await setup()
    driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, b BLOB)')
    for (let i = 0; i < 50; i++) {
      driver.transaction(() => {
        driver.prepare('INSERT INTO t VALUES (?, ?, ?)').run([`r${i}`, i, new Uint8Array([i])])
        if (i % 7 === 0) driver.prepare('UPDATE t SET n = n + 100 WHERE id = ?').run(['r0'])
      })
    }
    const replica = new JournaledDriver(await wasmEngine())
    replica.apply(records)
    const dump = (d: JournaledDriver) => d.prepare('SELECT * FROM t ORDER BY id').all()
    expect(dump(replica)).toEqual(dump(driver))
    expect(replica.head).toBe(driver.head)
    expect(() => replica.apply([{ seq: 999, ops: [] }])).toThrow(/does not follow head 51/)
  })

  it('refuses writes that would change anything when told to, leaving the database untouched', async () => {
    const engine = await wasmEngine()
    engine.exec('CREATE TABLE t (x)')
    const driver = new JournaledDriver(engine, { refuseWrite: () => new Error('read replica') })
    expect(() => driver.prepare('INSERT INTO t VALUES (1)').run()).toThrow('read replica')
    expect(() => driver.exec('CREATE TABLE u (y)')).toThrow('read replica')
    expect(driver.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 0 })
    expect(driver.prepare("SELECT name FROM sqlite_master WHERE name = 'u'").get()).toBeUndefined()
    // …but no-op writes (the store's boot DDL on an existing database) pass.
    driver.exec('CREATE TABLE IF NOT EXISTS t (x)')
    expect(driver.prepare('DELETE FROM t WHERE x = 42').run()).toEqual({ changes: 0 })
  })

  it('does not journal exec() statements that changed nothing', async () => {
    const { driver, records } = await setup()
    driver.exec('CREATE TABLE IF NOT EXISTS t (x)')
    driver.exec('CREATE TABLE IF NOT EXISTS t (x)')
    expect(records).toHaveLength(1)
  })

  it('follows transactions the store drives with prepared BEGIN / SAVEPOINT / ROLLBACK TO / COMMIT', async () => {
    const { driver, records } = await setup()
    driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY)')
    const stmt = (sql: string) => driver.prepare(sql).run()
    const insert = driver.prepare('INSERT INTO t VALUES (?)')
    stmt('BEGIN IMMEDIATE')
    insert.run(['a'])
    stmt('SAVEPOINT s1')
    insert.run(['b'])
    stmt('ROLLBACK TO s1')
    stmt('RELEASE s1')
    insert.run(['c'])
    stmt('COMMIT')
    stmt('BEGIN IMMEDIATE')
    insert.run(['d'])
    stmt('ROLLBACK')
    expect(records.slice(1)).toEqual([
      {
        seq: 2,
        ops: [
          { sql: 'INSERT INTO t VALUES (?)', params: ['a'] },
          { sql: 'INSERT INTO t VALUES (?)', params: ['c'] },
        ],
      },
    ])
    expect(driver.prepare('SELECT id FROM t ORDER BY id').all()).toEqual([{ id: 'a' }, { id: 'c' }])
  })
})
