import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { storageConformance } from '../../test/storage-conformance.js'
import { openSqliteStorage } from './sqlite.js'

const dir = mkdtempSync(join(tmpdir(), 'strata-sqlite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SQLite storage', () => {
  const filename = join(dir, 'conformance.db')
  storageConformance({ open: async () => openSqliteStorage({ filename }) })

  it('uses WAL with synchronous=FULL by default', async () => {
    const Database = (await import('better-sqlite3')).default
    const f = join(dir, 'pragmas.db')
    const s = openSqliteStorage({ filename: f })
    await s.close()
    const db = new Database(f)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('refuses a file that is not a database with a typed error', () => {
    const f = join(dir, 'garbage.db')
    writeFileSync(f, 'this is not sqlite'.repeat(100))
    expect(() => openSqliteStorage({ filename: f })).toThrow(
      expect.objectContaining({ name: 'StorageError', code: 'open_failed' }),
    )
  })
})
