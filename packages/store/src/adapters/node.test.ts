import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { Column, makeSchema, table } from '../index.js'
import { StoreError } from '../errors.js'
import { createStore } from '../store/create-store.js'
import { memoryAdapter, memoryImage, nodeAdapter } from './node.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-node-adapter-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const pageSize = (file: string): number => {
  const db = new Database(file, { readonly: true })
  try {
    return db.pragma('page_size', { simple: true }) as number
  } finally {
    db.close()
  }
}

describe('nodeAdapter page size (decision 0060)', () => {
  it('creates state and log files with 2 KiB pages by default', async () => {
    const s = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'app' })
    s.commit(events.todoCreated({ id: 'a', title: 'A' }))
    s.close()
    expect(pageSize(join(dir, 'app.db'))).toBe(2048)
    expect(pageSize(join(dir, 'app.log.db'))).toBe(2048)
  })

  it('honours pageSize for new files and keeps an existing file at the size it was created with', async () => {
    const a = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir, pageSize: 4096 }),
      storeId: 'app',
    })
    // A row larger than a 4 KiB page: stored in overflow pages, read back whole.
    const long = 'x'.repeat(5000)
    a.commit(events.todoCreated({ id: 'a', title: long }))
    a.close()
    expect(pageSize(join(dir, 'app.db'))).toBe(4096)
    const b = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'app' })
    expect(b.boot.mode).toBe('opened')
    b.commit(events.todoCreated({ id: 'b', title: long }))
    expect(b.query(todos.orderBy('id')).map((r) => r.title.length)).toEqual([5000, 5000])
    b.close()
    expect(pageSize(join(dir, 'app.db'))).toBe(4096)
    expect(pageSize(join(dir, 'app.log.db'))).toBe(4096)
  })

  it('rows larger than a page survive a reopen (1 KiB pages)', async () => {
    const a = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir, pageSize: 1024 }),
      storeId: 'app',
    })
    const tags = Array.from({ length: 400 }, (_, i) => `tag-${i}`)
    a.commit(events.todoCreated({ id: 'big', title: 'y'.repeat(3000), tags }))
    a.close()
    const b = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'app' })
    expect(pageSize(join(dir, 'app.db'))).toBe(1024)
    expect(b.query(todos.where({ id: 'big' }).first())).toMatchObject({ title: 'y'.repeat(3000), tags })
    b.close()
  })

  it.each([0, 1000, 256, 131_072, 1.5, Number.NaN])('rejects pageSize %s with a typed error', (bad) => {
    let error: unknown
    try {
      nodeAdapter({ directory: dir, pageSize: bad })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ code: 'option_invalid' })
    expect(String((error as Error).message)).toContain('power of two from 512 to 65536')
  })
})

describe('durableNow (decision 0065)', () => {
  it('checkpoints both files: what was committed is in the database files, not only in their WALs', async () => {
    const s = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'app' })
    s.commit(events.todoCreated({ id: 'a', title: 'marker-7Q2' }))
    const inFile = (name: string) => readFileSync(join(dir, name)).includes('marker-7Q2')
    expect([inFile('app.db'), inFile('app.log.db')]).toEqual([false, false])
    expect([inFile('app.db-wal'), inFile('app.log.db-wal')]).toEqual([true, true])
    s.driver.durableNow?.()
    expect([inFile('app.db'), inFile('app.log.db')]).toEqual([true, true])
    s.close()
    const m = await createStore({ schema, adapter: memoryAdapter(), storeId: 'm' })
    m.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(() => m.driver.durableNow?.()).not.toThrow()
    m.close()
  })
})

describe('in-memory store images', () => {
  const titles = (st: { query: (q: typeof todos) => Array<{ id: string; title: string }> }) =>
    st
      .query(todos)
      .map((t) => `${t.id}:${t.title}`)
      .sort()

  it('copies an in-memory store: the copy boots without replaying and lives on its own', async () => {
    const a = await createStore({ schema, adapter: memoryAdapter(), storeId: 'm' })
    a.commit(events.todoCreated({ id: 'x', title: 'X' }), events.todoCreated({ id: 'y', title: 'Y' }))
    a.sync.applyUpstream([
      { ...events.todoCreated({ id: 'z', title: 'Z' }), clientId: 'other', seq: 1, gseq: 1 },
    ])
    const image = memoryImage(a)
    expect(image).toBeInstanceOf(Uint8Array)
    const b = await createStore({ schema, adapter: memoryAdapter({ image }), storeId: 'm' })
    expect(b.boot.mode).toBe('opened') // state came with the image: nothing replayed
    expect(titles(b)).toEqual(titles(a))
    expect(b.sync.pending().map((e) => e.seq)).toEqual([1, 2])
    b.commit(events.todoRenamed({ id: 'y', title: 'only in b' }))
    expect(titles(a)).toEqual(['x:X', 'y:Y', 'z:Z'])
    expect(titles(b)).toEqual(['x:X', 'y:only in b', 'z:Z'])
    a.close()
    b.close()
  })

  it('rebuilds state from the image log when the table schema changed', async () => {
    const a = await createStore({ schema, adapter: memoryAdapter(), storeId: 'm' })
    a.commit(events.todoCreated({ id: 'x', title: 'X' }))
    const image = memoryImage(a)
    a.close()
    const notes = table('notes', { id: Column.text({ primaryKey: true }), body: Column.text() })
    // Same events, one more table: the state schema hash changes.
    const changed = makeSchema({
      events: { todoCreated: events.todoCreated },
      tables: { todos, notes },
      materializers: {
        'v1.TodoCreated': ({ id, title }, db) => {
          db.insert(todos, { id, title })
        },
      },
    })
    const b = await createStore({ schema: changed, adapter: memoryAdapter({ image }), storeId: 'm' })
    expect(b.boot).toMatchObject({ mode: 'rebuilt', reason: 'schema-changed' })
    expect(b.query(todos).map((t) => t.id)).toEqual(['x'])
    b.close()
  })

  it('refuses what is not an image, and stores that are not in memory', async () => {
    const bad = memoryAdapter({ image: new TextEncoder().encode('not a database at all, really not') })
    const err = await createStore({ schema, adapter: bad, storeId: 'm' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StoreError)
    expect(err).toMatchObject({ code: 'option_invalid' })
    expect(() => memoryAdapter({ image: 'bytes' as unknown as Uint8Array })).toThrow(StoreError)
    const file = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'f' })
    expect(() => memoryImage(file)).toThrow(/memoryAdapter/)
    file.close()
  })
})
