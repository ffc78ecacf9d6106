import { describe, expect, it } from 'vitest'
import { wasmEngine } from '../../test/browser-support.js'
import type { JournalRecord } from './codec.js'
import { CommitIds } from './commit-ids.js'
import { JournaledDriver } from './journal.js'

/** A driver that stores `applying` (when set) in each transaction it commits, like open.ts. */
const leader = async () => {
  const records: JournalRecord[] = []
  let applying: { id: string; first: string } | undefined
  const driver: JournaledDriver = new JournaledDriver(await wasmEngine(), {
    onRecord: (r) => records.push(r),
    beforeCommit: () => {
      if (applying !== undefined) ids.record(applying.id, applying.first)
    },
  })
  const ids = new CommitIds(driver)
  driver.exec('CREATE TABLE t (x)')
  const commit = (id: string, first = id, fail = false) => {
    applying = { id, first }
    try {
      driver.transaction(() => {
        driver.prepare('INSERT INTO t VALUES (?)').run([id])
        if (fail) throw new Error('materializer failed')
      })
    } finally {
      applying = undefined
    }
  }
  return { driver, ids, records, commit }
}

describe('CommitIds', () => {
  it('stores a forwarded commit id in its own transaction: the record, a replay and an image all carry it', async () => {
    const { driver, ids, records, commit } = await leader()
    expect(ids.has('tab1.1')).toBe(false) // no table yet
    commit('tab1.1')
    expect(ids.has('tab1.1')).toBe(true)
    expect(records).toHaveLength(2) // the table's DDL, then one record for commit + id
    expect(records[1]!.ops.map((op) => op.sql.split(' ')[0])).toEqual([
      'INSERT',
      'CREATE',
      'INSERT',
      'DELETE',
      'DELETE',
    ])

    const replica = new JournaledDriver(await wasmEngine())
    replica.apply(records)
    expect(new CommitIds(replica).has('tab1.1')).toBe(true)

    const fromImage = new JournaledDriver(await wasmEngine())
    fromImage.restore(driver.engine.serialize(), driver.head)
    expect(new CommitIds(fromImage).has('tab1.1')).toBe(true)
    expect(new CommitIds(fromImage).has('tab1.2')).toBe(false)
  })

  it("a tab's next batch drops the ids of its earlier ones; a rolled-back commit leaves no id", async () => {
    const { driver, ids, commit } = await leader()
    commit('tab1.1')
    commit('tab1.2', 'tab1.1') // same batch
    commit('tab2.1')
    expect(['tab1.1', 'tab1.2', 'tab2.1'].map((id) => ids.has(id))).toEqual([true, true, true])
    commit('tab1.3') // a new batch: tab1 has had its answers for 1 and 2
    expect(['tab1.1', 'tab1.2', 'tab1.3', 'tab2.1'].map((id) => ids.has(id))).toEqual([
      false,
      false,
      true,
      true,
    ])
    const head = driver.head
    expect(() => commit('tab1.4', 'tab1.4', true)).toThrow('materializer failed')
    expect(driver.head).toBe(head)
    expect(ids.has('tab1.4')).toBe(false)
    expect(ids.has('tab1.3')).toBe(true) // nor did its prune happen
  })
})
