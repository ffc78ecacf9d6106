import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { nodeAdapter } from '../adapters/node.js'
import { StoreCorruptError } from '../errors.js'
import type { EventRecord } from '../events/record.js'
import { makeSchema } from '../schema/make-schema.js'
import { Column } from '../tables/columns.js'
import { table } from '../tables/table.js'
import { createStore } from './create-store.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-store-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const open = (extra: { rebuild?: boolean } = {}) =>
  createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'app', ...extra })

describe('durability and boot', () => {
  it('persists log and state; reopening does not replay the log', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCreated({ id: 'b', title: 'B' }))
    a.commit(events.filterSet({ filter: 'done' }))
    const clientId = a.sync.clientId
    a.close()
    const b = await open()
    expect(b.boot.mode).toBe('opened')
    expect(b.boot.eventsApplied).toBe(0)
    expect(b.boot.logSize).toBe(3)
    expect(b.sync.clientId).toBe(clientId)
    expect(b.query(todos.count())).toBe(2)
    expect(b.sync.pending().map((e) => e.seq)).toEqual([1, 2])
    b.commit(events.todoCreated({ id: 'c', title: 'C' }))
    expect(b.sync.lastSeq()).toBe(3)
    b.close()
  })

  it('persists confirmedHead and confirmations across restarts', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    const [p] = a.sync.pending()
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'z', title: 'Z' }, clientId: 'other', seq: 1, gseq: 1 },
      { ...(p as EventRecord), gseq: 2 },
    ])
    a.close()
    const b = await open()
    expect(b.boot.mode).toBe('opened')
    expect(b.sync.confirmedHead()).toBe(2)
    expect(b.sync.pending()).toEqual([])
    expect(b.query(todos.count())).toBe(2)
    b.close()
  })

  it('rebuilds state from the log when a table schema changes', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCompleted({ id: 'a' }))
    a.close()
    const todos2 = table('todos', {
      id: Column.text({ primaryKey: true }),
      title: Column.text(),
      done: Column.boolean({ default: false }),
      position: Column.integer({ default: 0 }),
      tags: Column.json<string[]>({ default: [] }),
      deletedAt: Column.integer({ nullable: true }),
      priority: Column.integer({ default: 3 }),
    })
    const schema2 = makeSchema({
      events: schema.events,
      tables: { todos: todos2, uiFilter: schema.tables.uiFilter },
      materializers: Object.fromEntries(schema.materializers) as never,
    })
    expect(schema2.hash).not.toBe(schema.hash)
    const b = await createStore({ schema: schema2, adapter: nodeAdapter({ directory: dir }), storeId: 'app' })
    expect(b.boot.mode).toBe('rebuilt')
    expect(b.boot.reason).toBe('schema-changed')
    expect(b.query(todos2.first())).toMatchObject({ id: 'a', done: true, priority: 3 })
    // Pending events got fresh undo entries and still roll back correctly.
    b.sync.reject(2, 'nope')
    expect(b.query(todos2.first())).toMatchObject({ id: 'a', done: false })
    b.close()
  })

  it('rebuilds when stateVersion is bumped for a changed materializer, not before', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'lower' }))
    a.close()
    const materializers = Object.fromEntries(schema.materializers) as Record<
      string,
      (...args: never[]) => unknown
    >
    const created = materializers['v1.TodoCreated']!
    // the new materializer upper-cases titles; the tables are unchanged
    const upper = (version?: number) =>
      makeSchema({
        events: schema.events,
        tables: schema.tables,
        materializers: {
          ...materializers,
          'v1.TodoCreated': ((args: { id: string; title: string }, db: never) =>
            (created as (a: unknown, d: unknown) => unknown)(
              { ...args, title: args.title.toUpperCase() },
              db,
            )) as never,
        } as never,
        ...(version === undefined ? {} : { stateVersion: version }),
      })
    const openWith = (s: ReturnType<typeof upper>) =>
      createStore({ schema: s, adapter: nodeAdapter({ directory: dir }), storeId: 'app' })
    const b = await openWith(upper())
    expect(b.boot.mode).toBe('opened') // function code is not hashed: state reused as is
    expect(b.query(todos.first())).toMatchObject({ title: 'lower' })
    b.close()
    const c = await openWith(upper(2))
    expect(c.boot).toMatchObject({ mode: 'rebuilt', reason: 'schema-changed' })
    expect(c.query(todos.first())).toMatchObject({ title: 'LOWER' })
    c.close()
    const d = await openWith(upper(2))
    expect(d.boot.mode).toBe('opened')
    d.close()
  })

  it('a stateVersion bump re-materializes events a snapshot covers while the log holds them; not once compacted', async () => {
    const upper = (version: number) =>
      makeSchema({
        events: schema.events,
        tables: schema.tables,
        materializers: {
          ...(Object.fromEntries(schema.materializers) as Record<string, unknown>),
          'v1.TodoCreated': ((args: { id: string; title: string }, db: never) =>
            (schema.materializers.get('v1.TodoCreated') as (a: unknown, d: unknown) => unknown)(
              { ...args, title: args.title.toUpperCase() },
              db,
            )) as never,
        } as never,
        stateVersion: version,
      })
    const reopen = (v: number) =>
      createStore({ schema: upper(v), adapter: nodeAdapter({ directory: dir }), storeId: 'app' })
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'lower' }))
    a.sync.applyUpstream([{ ...(a.sync.pending()[0] as EventRecord), gseq: 1 }])
    a.snapshot()
    a.close()
    const b = await reopen(2)
    expect(b.boot).toMatchObject({ mode: 'rebuilt', reason: 'schema-changed' })
    expect(b.query(todos.first())).toMatchObject({ title: 'LOWER' })
    // once compacted, the events are gone: the rebuild starts from the snapshot's rows
    b.commit(events.todoCreated({ id: 'b', title: 'second' }))
    b.sync.applyUpstream([{ ...(b.sync.pending()[0] as EventRecord), gseq: 2 }])
    b.snapshot()
    expect(b.compact()).toBeGreaterThan(0)
    b.close()
    const c = await reopen(3)
    expect(c.boot).toMatchObject({ mode: 'rebuilt', reason: 'schema-changed' })
    expect(
      c
        .query(todos)
        .map((t) => t.title)
        .sort(),
    ).toEqual(['LOWER', 'SECOND'])
    c.close()
  })

  it('redoes an interrupted rebuild (marker row left behind)', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCreated({ id: 'b', title: 'B' }))
    a.close()
    // Simulate a rebuild that died half-way: marker set, tables partially filled.
    const db = new Database(join(dir, 'app.db'))
    db.exec(`UPDATE __strata_state SET value = 1 WHERE key = 'rebuilding'; DELETE FROM todos WHERE id = 'b'`)
    db.close()
    const b = await open()
    expect(b.boot.mode).toBe('rebuilt')
    expect(b.boot.reason).toBe('interrupted-rebuild')
    expect(b.query(todos.select('id').orderBy('id'))).toEqual([{ id: 'a' }, { id: 'b' }])
    b.close()
    const c = await open()
    expect(c.boot.mode).toBe('opened')
    c.close()
  })

  it('replays the log tail when state is behind (crash between log and state)', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.commit(events.todoCreated({ id: 'b', title: 'B' }))
    a.close()
    const db = new Database(join(dir, 'app.db'))
    db.exec(`UPDATE __strata_state SET value = 1 WHERE key = 'applied'; DELETE FROM todos WHERE id = 'b'`)
    db.close()
    const b = await open()
    expect(b.boot.mode).toBe('replayed-tail')
    expect(b.boot.eventsApplied).toBe(1)
    expect(b.query(todos.count())).toBe(2)
    b.close()
  })

  it('reopens without a rebuild after each way of applying upstream events', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.commit(events.todoRenamed({ id: 'a', title: 'A2' }))
    const [p1, p2] = a.sync.pending() as EventRecord[]
    const foreign = (seq: number, gseq: number, id: string): EventRecord => ({
      name: 'v1.TodoCreated',
      args: { id, title: id },
      clientId: 'B',
      seq,
      gseq,
    })
    // 1. own event confirmed in place (no state write)
    a.sync.applyUpstream([{ ...(p1 as EventRecord), gseq: 1 }])
    // 2. a foreign event while one is pending (rollback, apply, replay: epoch bumped)
    a.sync.applyUpstream([foreign(1, 2, 'b')])
    // 3. the rest confirmed, then foreign events appended with nothing pending
    a.sync.applyUpstream([{ ...(p2 as EventRecord), gseq: 3 }, foreign(2, 4, 'c')])
    a.sync.applyUpstream([foreign(3, 5, 'd')])
    const state = a.query(todos.orderBy('id'))
    a.close()
    const b = await open()
    expect(b.boot.mode).toBe('opened')
    expect(b.query(todos.orderBy('id'))).toEqual(state)
    expect(b.sync.confirmedHead()).toBe(5)
    expect(b.sync.pending()).toEqual([])
    b.close()
  })

  it('a crash between the two files after appending upstream events replays the tail in order', async () => {
    const a = await open()
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'x', title: 'X' }, clientId: 'B', seq: 1, gseq: 1 },
    ])
    a.sync.applyUpstream([
      { name: 'v1.TodoRenamed', args: { id: 'x', title: 'X2' }, clientId: 'B', seq: 2, gseq: 2 },
      { name: 'v1.TodoCreated', args: { id: 'y', title: 'Y' }, clientId: 'B', seq: 3, gseq: 3 },
    ])
    a.close()
    // The log committed the second application, the state did not.
    const db = new Database(join(dir, 'app.db'))
    db.exec(
      `UPDATE __strata_state SET value = 1 WHERE key = 'applied'; UPDATE todos SET title = 'X' WHERE id = 'x'; DELETE FROM todos WHERE id = 'y'`,
    )
    db.close()
    const b = await open()
    expect(b.boot.mode).toBe('replayed-tail')
    expect(b.query(todos.orderBy('id')).map((r) => [r.id, r.title])).toEqual([
      ['x', 'X2'],
      ['y', 'Y'],
    ])
    b.close()
  })

  it('detects a corrupt state file, keeps it aside and rebuilds from the log', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCompleted({ id: 'a' }))
    a.close()
    writeFileSync(join(dir, 'app.db'), Buffer.alloc(8192, 7))
    const b = await open()
    expect(b.boot.mode).toBe('rebuilt')
    expect(b.boot.reason).toBe('state-corrupt')
    expect(b.boot.recovery?.movedTo).toMatch(/app\.db\.corrupt-\d+$/)
    expect(readdirSync(dir).some((f) => /^app\.db\.corrupt-\d+$/.test(f))).toBe(true)
    expect(b.query(todos.first())).toMatchObject({ id: 'a', done: true })
    b.close()
  })

  it('reports a corrupt log with a typed error and leaves the file in place', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.close()
    writeFileSync(join(dir, 'app.log.db'), Buffer.alloc(8192, 9))
    await expect(open()).rejects.toBeInstanceOf(StoreCorruptError)
    expect(readdirSync(dir)).toContain('app.log.db')
  })

  it('singleFile keeps log and state in one file and reports damage', async () => {
    const a = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir, singleFile: true }),
      storeId: 'one',
    })
    a.commit(events.todoCreated({ id: 'a', title: 'A' }))
    a.close()
    expect(readdirSync(dir).filter((f) => f.endsWith('.db'))).toEqual(['one.db'])
    const b = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir, singleFile: true }),
      storeId: 'one',
    })
    expect(b.boot.mode).toBe('opened')
    expect(b.query(todos.count())).toBe(1)
    b.close()
    writeFileSync(join(dir, 'one.db'), Buffer.alloc(4096, 3))
    await expect(
      createStore({ schema, adapter: nodeAdapter({ directory: dir, singleFile: true }), storeId: 'one' }),
    ).rejects.toBeInstanceOf(StoreCorruptError)
  })

  it('snapshot + compaction keep pending events and rebuild identical state', async () => {
    const a = await open()
    a.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoCreated({ id: 'b', title: 'B' }))
    a.sync.applyUpstream(a.sync.pending().map((p, i) => ({ ...p, gseq: i + 1 })))
    a.commit(events.todoCompleted({ id: 'a' }))
    a.commit(events.filterSet({ filter: 'open' }))
    const snap = a.snapshot()
    expect(snap.head).toBe(2)
    // The snapshot holds confirmed state only: the pending completion is not in it.
    expect(snap.rows.todos).toBe(2)
    const removed = a.compact()
    expect(removed).toBe(3)
    expect(a.sync.pending().map((e) => e.name)).toEqual(['v1.TodoCompleted'])
    const before = a.query(todos.orderBy('id'))
    a.rebuild()
    expect(a.query(todos.orderBy('id'))).toEqual(before)
    a.close()
    const b = await open({ rebuild: true })
    expect(b.boot.reason).toBe('requested')
    expect(b.query(todos.orderBy('id'))).toEqual(before)
    expect(b.devtools.tableRows('ui_filter')).toEqual([{ id: 'default', filter: 'open' }])
    b.commit(events.todoCreated({ id: 'c', title: 'C' }))
    expect(b.sync.lastSeq()).toBe(4)
    b.close()
  })

  it('a process killed mid-commit leaves every commit fully there or fully absent', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../../test/kill-child.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.split('\n').length > 4) resolve()
      })
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('close', r))
    const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'kill' })
    const rows = store.query(todos.select('id', 'title', 'done'))
    const batches = new Map<string, { n: number; done: number }>()
    for (const r of rows) {
      const b = batches.get(r.title) ?? { n: 0, done: 0 }
      b.n++
      if (r.done) b.done++
      batches.set(r.title, b)
    }
    expect(batches.size).toBeGreaterThan(100)
    for (const b of batches.values()) expect(b).toEqual({ n: 5, done: 1 })
    expect(store.sync.pending()).toHaveLength(batches.size * 6)
    store.close()
  })
})
