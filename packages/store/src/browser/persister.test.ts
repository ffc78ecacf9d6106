import { describe, expect, it } from 'vitest'
import { wasmEngine } from '../../test/browser-support.js'
import { JournalCorruptError, PersistenceError } from './errors.js'
import { JournaledDriver } from './journal.js'
import { Persister } from './persister.js'
import { memoryStorage } from './storage/memory.js'
import type { DurableStorage } from './storage/storage.js'

const open = async (storage: DurableStorage, snapshotEvery?: number) => {
  const persister = new Persister({ storeId: 's', storage, snapshotEvery })
  const driver = new JournaledDriver(await wasmEngine(), { onRecord: (r) => persister.enqueue(r) })
  const report = await persister.load(driver)
  persister.attach(driver)
  return { persister, driver, report }
}

const count = (d: JournaledDriver) => d.prepare('SELECT count(*) AS c FROM t').get()?.c

describe('Persister', () => {
  it('makes commits durable and rebuilds them on the next open', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await open(memoryStorage(files))
    a.driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    for (let i = 0; i < 20; i++)
      a.driver.transaction(() => a.driver.prepare('INSERT INTO t VALUES (?, ?)').run([`r${i}`, i]))
    await a.persister.flush()
    expect(a.persister.durableHead).toBe(21)
    const b = await open(memoryStorage(files))
    expect(count(b.driver)).toBe(20)
    expect(b.driver.head).toBe(21)
    expect(b.report.replayed).toBe(21)
  })

  it('groups commits made in one task into one file (group commit)', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await open(memoryStorage(files))
    a.driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    for (let i = 0; i < 100; i++)
      a.driver.transaction(() => a.driver.prepare('INSERT INTO t VALUES (?, ?)').run([`r${i}`, i]))
    await a.persister.flush()
    expect([...files.keys()].filter((n) => n.startsWith('j-'))).toEqual(['j-000000000001-000000000101'])
  })

  it('replaces the journal by a snapshot every N records and boots from it', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await open(memoryStorage(files), 10)
    a.driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    for (let i = 0; i < 25; i++) {
      a.driver.transaction(() => a.driver.prepare('INSERT INTO t VALUES (?, ?)').run([`r${i}`, i]))
      await a.persister.flush()
    }
    const names = [...files.keys()].sort()
    expect(names.filter((n) => n.startsWith('s-'))).toHaveLength(1)
    const b = await open(memoryStorage(files), 10)
    expect(count(b.driver)).toBe(25)
    expect(b.report.snapshotSeq).toBeGreaterThanOrEqual(20)
    expect(b.report.replayed).toBe(26 - b.report.snapshotSeq)
  })

  it('also snapshots when journal files pile up, so a boot reads a bounded number of files', async () => {
    const files = new Map<string, Uint8Array>()
    const persister = new Persister({ storeId: 's', storage: memoryStorage(files), maxJournalFiles: 5 })
    const driver = new JournaledDriver(await wasmEngine(), { onRecord: (r) => persister.enqueue(r) })
    await persister.load(driver)
    persister.attach(driver)
    driver.exec('CREATE TABLE t (x)')
    for (let i = 0; i < 12; i++) {
      driver.exec(`INSERT INTO t VALUES (${i})`)
      await persister.flush() // one file per commit
    }
    const journal = [...files.keys()].filter((n) => n.startsWith('j-'))
    expect(journal.length).toBeLessThan(5)
    expect([...files.keys()].some((n) => n.startsWith('s-'))).toBe(true)
    const b = await open(memoryStorage(files))
    expect(count(b.driver)).toBe(12)
  })

  it('ignores and removes an empty file left by a write interrupted mid-way', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await open(memoryStorage(files))
    a.driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    await a.persister.flush()
    files.set('j-000000000002-000000000002', new Uint8Array())
    const b = await open(memoryStorage(files))
    expect(b.report.discarded).toEqual(['j-000000000002-000000000002'])
    expect(files.has('j-000000000002-000000000002')).toBe(false)
    expect(count(b.driver)).toBe(0)
  })

  it('reports a damaged file as JournalCorruptError naming it, and keeps the file', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await open(memoryStorage(files))
    a.driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    await a.persister.flush()
    const damaged = new TextEncoder().encode('{"v":1,"r":[{"s":1,"o":[[')
    files.set('j-000000000001-000000000001', damaged)
    const err = await open(memoryStorage(files)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(JournalCorruptError)
    expect((err as JournalCorruptError).file).toBe('j-000000000001-000000000001')
    expect(files.get('j-000000000001-000000000001')).toEqual(damaged)
  })

  it('reports a gap in the journal instead of silently dropping later records', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await open(memoryStorage(files))
    a.driver.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    await a.persister.flush()
    a.driver.exec("INSERT INTO t VALUES ('x', 1)")
    await a.persister.flush()
    a.driver.exec("INSERT INTO t VALUES ('y', 2)")
    await a.persister.flush()
    files.delete('j-000000000002-000000000002')
    await expect(open(memoryStorage(files))).rejects.toThrow(/records 2\.\.2 are missing/)
  })

  it('a failing storage write surfaces as PersistenceError from flush and onError; memory stays intact', async () => {
    const base = memoryStorage()
    let fail = false
    const flaky: DurableStorage = {
      ...base,
      write: async (name, bytes) => {
        if (fail) throw new Error('QuotaExceededError')
        return base.write(name, bytes)
      },
    }
    const errors: unknown[] = []
    const persister = new Persister({ storeId: 's', storage: flaky, onError: (e) => errors.push(e) })
    const driver = new JournaledDriver(await wasmEngine(), { onRecord: (r) => persister.enqueue(r) })
    await persister.load(driver)
    persister.attach(driver)
    driver.exec('CREATE TABLE t (x)')
    await persister.flush()
    fail = true
    driver.exec('INSERT INTO t VALUES (1)')
    await expect(persister.flush()).rejects.toBeInstanceOf(PersistenceError)
    expect(errors).toHaveLength(1)
    expect(count(driver)).toBe(1)
    driver.exec('INSERT INTO t VALUES (2)')
    // Storage recovers (quota freed): the next flush writes everything, without a gap.
    fail = false
    await persister.flush()
    const reopened = new JournaledDriver(await wasmEngine())
    await new Persister({ storeId: 's', storage: base }).load(reopened)
    expect(count(reopened)).toBe(2)
  })
})
