import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migratedDatabaseConformance, storageConformance } from '../../test/storage-conformance.js'
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

  it('migrates a database made before client ids were bound to users: keeps its data, then binds ids', async () => {
    const Database = (await import('better-sqlite3')).default
    const f = join(dir, 'before-bindings.db')
    // The schema as it was before the binding (strata_clients without user_id).
    const old = new Database(f)
    old.exec(`
      CREATE TABLE strata_stores (store_id TEXT PRIMARY KEY, head INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE strata_events (store_id TEXT NOT NULL, gseq INTEGER NOT NULL, client_id TEXT NOT NULL,
        seq INTEGER NOT NULL, name TEXT NOT NULL, args TEXT NOT NULL, ts REAL, PRIMARY KEY (store_id, gseq)) WITHOUT ROWID;
      CREATE UNIQUE INDEX strata_events_client_seq ON strata_events (store_id, client_id, seq);
      CREATE TABLE strata_clients (store_id TEXT NOT NULL, client_id TEXT NOT NULL, last_seq INTEGER NOT NULL,
        PRIMARY KEY (store_id, client_id)) WITHOUT ROWID;
      CREATE TABLE strata_replica_images (store_id TEXT PRIMARY KEY, head INTEGER NOT NULL, schema_hash TEXT NOT NULL,
        image BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE strata_rejections (store_id TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL,
        code TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (store_id, client_id, seq)) WITHOUT ROWID;
      INSERT INTO strata_stores VALUES ('old', 2);
      INSERT INTO strata_events VALUES ('old', 1, 'w', 1, 'v1.Test', '{"n":1}', 1700000000001),
                                       ('old', 2, 'w', 2, 'v1.Test', '{"n":2}', 1700000000002);
      INSERT INTO strata_rejections VALUES ('old', 'w', 3, 'invalid', 'bad');
      INSERT INTO strata_clients VALUES ('old', 'w', 3);
    `)
    old.close()
    await migratedDatabaseConformance(async () => openSqliteStorage({ filename: f }))
    const db = new Database(f)
    expect(
      db.prepare('SELECT client_id, last_seq, user_id FROM strata_clients ORDER BY client_id').all(),
    ).toEqual([
      { client_id: 'n', last_seq: 1, user_id: 'bob' },
      { client_id: 'w', last_seq: 6, user_id: 'ada' },
    ])
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
