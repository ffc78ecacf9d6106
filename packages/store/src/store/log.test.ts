// The event log keeps no index over pending events (decision 0056): they are read by a
// rowid range scan from the pending floor, which upstream application and rejection
// raise. Logs written with the older pending indexes lose them on open.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import type { StoreAdapter } from '../adapters/adapter.js'
import { nodeAdapter } from '../adapters/node.js'
import { StoreClosedError } from '../errors.js'
import { createStore } from './create-store.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-log-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const open = () => createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'l' })
const logIndexes = (store: Awaited<ReturnType<typeof open>>) =>
  store.driver
    .prepare(
      `SELECT name FROM log.sqlite_master WHERE type = 'index' AND name LIKE '\\_\\_strata\\_events%' ESCAPE '\\' ORDER BY name`,
    )
    .all()
    .map((r) => r.name)

describe('event log indexes', () => {
  it('reads pending events from the pending floor, confirms and rejects; old logs are migrated', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.commit(events.todoCreated({ id: 'b', title: 'B' }))
    a.close()
    // A log written before 0056 had two indexes over pending rows.
    const raw = new Database(join(dir, 'l.log.db'))
    raw.exec(`CREATE INDEX __strata_events_pending ON __strata_events (client_id, seq) WHERE gseq IS NULL;
      CREATE INDEX __strata_events_pending_order ON __strata_events (id) WHERE gseq IS NULL AND synced = 1;
      CREATE INDEX __strata_events_unconfirmed ON __strata_events (client_id, seq) WHERE gseq IS NULL AND synced = 1;`)
    raw.close()

    const b = await open()
    expect(logIndexes(b)).toEqual(['__strata_events_gseq'])
    const plan = b.driver
      .prepare(
        'EXPLAIN QUERY PLAN SELECT * FROM log.__strata_events WHERE id >= ? AND gseq IS NULL AND synced = 1 ORDER BY id',
      )
      .all([0])
      .map((r) => String(r.detail))
    expect(plan.join(' | ')).toContain('USING INTEGER PRIMARY KEY')
    const floor = () =>
      b.driver.prepare(`SELECT value FROM log.__strata_log_meta WHERE key = 'pendingFloor'`).get()?.value
    expect(floor()).toBeUndefined()
    b.commit(events.todoCreated({ id: 'c', title: 'C' }))
    expect(b.sync.pending().map((e) => e.seq)).toEqual([1, 2, 3])
    const { clientId } = b.sync
    b.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'a', title: 'A' }, clientId, seq: 1, gseq: 1 },
    ])
    expect(b.sync.pending().map((e) => e.seq)).toEqual([2, 3])
    expect(floor()).toBe(2) // log id of seq 2
    b.sync.reject(2, 'no')
    expect(b.sync.pending().map((e) => e.seq)).toEqual([3])
    expect(floor()).toBe(3)
    b.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'c', title: 'C' }, clientId, seq: 3, gseq: 2 },
    ])
    expect(b.sync.pending()).toEqual([])
    expect(floor()).toBe(4) // nothing pending: above every id
    b.commit(events.todoCreated({ id: 'd', title: 'D' }))
    expect(b.sync.pending().map((e) => e.seq)).toEqual([4])
    expect(b.query(todos.select('id').orderBy('id'))).toEqual([{ id: 'a' }, { id: 'c' }, { id: 'd' }])
    b.close()
  })
})

/**
 * A file adapter that records every statement the store prepares (to read real plans)
 * and the parameters of each `get`.
 */
function recordingAdapter(): { sqls: string[]; params: [string, unknown[]][]; adapter: StoreAdapter } {
  const sqls: string[] = []
  const params: [string, unknown[]][] = []
  const files = nodeAdapter({ directory: dir })
  const adapter: StoreAdapter = {
    async open(opts) {
      const driver = await files.open(opts)
      const prepare = driver.prepare.bind(driver)
      driver.prepare = (sql) => {
        sqls.push(sql)
        const statement = prepare(sql)
        const get = statement.get.bind(statement)
        statement.get = (p) => {
          params.push([sql, [...(p ?? [])]])
          return get(p)
        }
        return statement
      }
      return driver
    },
  }
  return { sqls, params, adapter }
}

describe('highest confirmed gseq', () => {
  it('is one probe of the partial gseq index, not a table scan, and ignores pending rows', async () => {
    const { sqls, adapter } = recordingAdapter()
    const s = await createStore({ schema, storeId: 'l', adapter })
    const { clientId } = s.sync
    const foreign = (id: string, gseq: number) => ({
      name: 'v1.TodoCreated',
      args: { id, title: id },
      clientId: 'other',
      seq: gseq,
      gseq,
    })
    s.commit(events.todoCreated({ id: 'mine', title: 'M' })) // pending: gseq NULL
    s.sync.applyUpstream([foreign('x', 1), foreign('y', 2)])
    // A redelivered page (gseq ≤ the log's highest) is recognised and skipped.
    s.sync.applyUpstream([foreign('x', 1), foreign('y', 2), foreign('z', 3)])
    expect(s.query(todos.select('id').orderBy('id'))).toEqual([
      { id: 'mine' },
      { id: 'x' },
      { id: 'y' },
      { id: 'z' },
    ])
    expect(s.sync.pending().map((e) => [e.clientId, e.seq])).toEqual([[clientId, 1]])
    const sql = sqls.find((q) => /max\(gseq\)/i.test(q))
    expect(sql).toBeDefined()
    const plan = s.driver
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all()
      .map((r) => String(r.detail))
      .join(' | ')
    // Without `WHERE gseq IS NOT NULL` SQLite cannot use the partial index and scans
    // every row: ~1 ms per 20k events on every upstream page (and initial sync).
    expect(plan).toContain('USING COVERING INDEX __strata_events_gseq')
    expect(plan).not.toMatch(/\bSCAN\b/)
    s.close()
  })
})

describe('highest own seq', () => {
  it('survives a reopen; a boot reads only the rows after the mark the last close left, all of them without one', async () => {
    const { sqls, params, adapter } = recordingAdapter()
    const openMe = () => createStore({ schema, storeId: 'l', adapter, clientId: 'me' })
    const maxSeqFrom = () => {
      const sql = sqls.find((q) => /max\(seq\)/i.test(q))
      return params.filter(([q]) => q === sql).map(([, p]) => p[0])
    }
    const a = await openMe()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCreated({ id: 'b', title: 'B' }))
    // Our own seq 7 comes back from the server (this log never had it), among others'.
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'x', title: 'X' }, clientId: 'other', seq: 40, gseq: 1 },
      { name: 'v1.TodoCreated', args: { id: 'y', title: 'Y' }, clientId: 'me', seq: 7, gseq: 2 },
      { name: 'v1.TodoCreated', args: { id: 'z', title: 'Z' }, clientId: 'other', seq: 41, gseq: 3 },
    ])
    expect(maxSeqFrom()).toEqual([0]) // a new file: read from the start
    a.close() // leaves the mark: rows up to id 5 hold own seqs ≤ 7

    // A commit after the mark whose store never closed (a crash), written as the store would.
    const raw = new Database(join(dir, 'l.log.db'))
    raw
      .prepare(
        'INSERT INTO __strata_events (id, name, args, client_id, seq, gseq, ts, synced, undo) VALUES (?, ?, ?, ?, ?, NULL, 0, 1, ?)',
      )
      .run(6, 'v1.TodoCreated', JSON.stringify({ id: 'c', title: 'C' }), 'me', 8, '[]')
    raw.close()
    const b = await openMe()
    expect(b.sync.lastSeq()).toBe(8) // not 2 (ours pending), 7 (the mark) nor 41 (another client's)
    expect(maxSeqFrom()).toEqual([0, 5])
    const plan = b.driver
      .prepare(`EXPLAIN QUERY PLAN ${sqls.find((q) => /max\(seq\)/i.test(q))}`)
      .all([5, 'me'])
      .map((r) => String(r.detail))
      .join(' | ')
    expect(plan).toMatch(/SEARCH .*INTEGER PRIMARY KEY \(rowid>\?\)/)
    b.close()

    // A mark above the log's highest id does not describe this log: it is read whole.
    const raw2 = new Database(join(dir, 'l.log.db'))
    raw2.prepare("UPDATE __strata_log_meta SET value = 1000 WHERE key = 'seqReadTo'").run()
    raw2.prepare("UPDATE __strata_log_meta SET value = 0 WHERE key = 'lastSeq'").run()
    raw2.close()
    const c = await openMe()
    expect(c.sync.lastSeq()).toBe(8)
    expect(maxSeqFrom()).toEqual([0, 5, 0])
    c.close()
  })

  it('ids are never given out twice, so a refused top row cannot make the boot mark hide a seq', async () => {
    const { adapter } = recordingAdapter()
    const openMe = () => createStore({ schema, storeId: 'l', adapter, clientId: 'me' })
    const a = await openMe()
    a.commit(events.todoCreated({ id: 'p', title: 'P' })) // id 1, seq 1
    a.commit(events.todoCreated({ id: 'e1', title: 'E1' })) // id 2, seq 2
    a.sync.reject(2, 'refused') // deletes the top row
    a.close()
    const b = await openMe()
    b.commit(events.todoCreated({ id: 'e2', title: 'E2' }))
    b.close()
    const c = await openMe()
    c.commit(events.todoCreated({ id: 'e3', title: 'E3' }))
    // Before: e2 reused id 2 at or below the mark, so c's boot did not see its seq 3.
    expect(c.sync.pending().map((e) => [e.seq, (e.args as { id: string }).id])).toEqual([
      [1, 'p'],
      [3, 'e2'],
      [4, 'e3'],
    ])
    c.close()
  })

  it('a commit after a refused top row and a rebuild is still pending for sync', async () => {
    const { adapter } = recordingAdapter()
    const a = await createStore({ schema, storeId: 'l', adapter })
    a.commit(events.todoCreated({ id: 'e1', title: 'E1' }))
    a.sync.reject(1, 'refused')
    a.rebuild()
    a.commit(events.todoCreated({ id: 'e2', title: 'E2' }))
    // Before: e2 got the refused row's id, below the pending floor, and was never pushed.
    expect(a.sync.pending().map((e) => [e.seq, (e.args as { id: string }).id])).toEqual([[2, 'e2']])
    a.close()
  })

  it('boot.logSize is counted when first read, not at boot', async () => {
    const { sqls, adapter } = recordingAdapter()
    const a = await createStore({ schema, storeId: 'l', adapter })
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.close()
    const b = await createStore({ schema, storeId: 'l', adapter })
    const counts = () => sqls.filter((q) => /count\(\*\).*__strata_events/i.test(q)).length
    expect(counts()).toBe(0)
    expect(b.boot.logSize).toBe(1)
    expect(JSON.parse(JSON.stringify(b.boot))).toMatchObject({ mode: 'opened', logSize: 1 })
    expect(counts()).toBe(1)
    b.close()
  })

  it('boot.logSize first read after close() throws StoreClosedError; a value read before stays', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.close()
    expect(() => a.boot.logSize).toThrow(StoreClosedError)
    const b = await open()
    expect(b.boot.logSize).toBe(1)
    b.close()
    expect(b.boot.logSize).toBe(1)
  })
})
