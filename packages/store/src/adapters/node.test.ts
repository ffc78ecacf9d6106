import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { StoreError } from '../errors.js'
import { createStore } from '../store/create-store.js'
import { nodeAdapter } from './node.js'

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
