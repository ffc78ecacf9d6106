// The event log's indexes: one partial index over pending synced events (decision 0056),
// used by the pending list, confirmation and rejection; logs written with the two older
// indexes lose them on open.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { nodeAdapter } from '../adapters/node.js'
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
  it('reads pending events, confirms and rejects through one partial index; old logs are migrated', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.commit(events.todoCreated({ id: 'b', title: 'B' }))
    a.close()
    // A log written before 0056 had two indexes over pending rows.
    const raw = new Database(join(dir, 'l.log.db'))
    raw.exec(`CREATE INDEX __strata_events_pending ON __strata_events (client_id, seq) WHERE gseq IS NULL;
      CREATE INDEX __strata_events_pending_order ON __strata_events (id) WHERE gseq IS NULL AND synced = 1;`)
    raw.close()

    const b = await open()
    expect(logIndexes(b)).toEqual(['__strata_events_gseq', '__strata_events_unconfirmed'])
    const plan = b.driver
      .prepare(
        'EXPLAIN QUERY PLAN SELECT * FROM log.__strata_events INDEXED BY __strata_events_unconfirmed WHERE gseq IS NULL AND synced = 1 ORDER BY id',
      )
      .all()
      .map((r) => String(r.detail))
    expect(plan.join(' | ')).toContain('USING INDEX __strata_events_unconfirmed')
    b.commit(events.todoCreated({ id: 'c', title: 'C' }))
    expect(b.sync.pending().map((e) => e.seq)).toEqual([1, 2, 3])
    const { clientId } = b.sync
    b.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'a', title: 'A' }, clientId, seq: 1, gseq: 1 },
    ])
    expect(b.sync.pending().map((e) => e.seq)).toEqual([2, 3])
    b.sync.reject(2, 'no')
    expect(b.sync.pending().map((e) => e.seq)).toEqual([3])
    expect(b.query(todos.select('id').orderBy('id'))).toEqual([{ id: 'a' }, { id: 'c' }])
    b.close()
  })
})
