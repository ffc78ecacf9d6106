import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { ev, migratedDatabaseConformance, storageConformance } from '../../test/storage-conformance.js'
import { openPostgresStorage } from './postgres.js'

const PG_URL = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `strata_test_storage_${process.pid}_${Date.now().toString(36)}`
const oldSchema = `${schema}_old`

afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.query(`DROP SCHEMA IF EXISTS "${oldSchema}" CASCADE`)
  await c.end()
})

describe('Postgres storage', () => {
  storageConformance({ open: () => openPostgresStorage({ connectionString: PG_URL, schema }) })

  it('two handles (two nodes) pushing to one store keep gseq gap-free', async () => {
    const a = await openPostgresStorage({ connectionString: PG_URL, schema })
    const b = await openPostgresStorage({ connectionString: PG_URL, schema })
    try {
      await Promise.all(
        [a, b].map(async (s, n) => {
          for (let i = 1; i <= 20; i++) await s.append('two-nodes', `n${n}`, [ev(`n${n}`, i)], [undefined])
        }),
      )
      const all = await a.read('two-nodes', 0, 100)
      expect(all.map((e) => e.gseq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('migrates a database made before client ids were bound to users: keeps its data, then binds ids', async () => {
    const c = new pg.Client({ connectionString: PG_URL })
    await c.connect()
    try {
      // The schema as it was before the binding (strata_clients without user_id).
      const t = (name: string) => `"${oldSchema}".${name}`
      await c.query(`
        CREATE SCHEMA "${oldSchema}";
        CREATE TABLE ${t('strata_stores')} (store_id TEXT PRIMARY KEY, head BIGINT NOT NULL);
        CREATE TABLE ${t('strata_events')} (
          store_id TEXT NOT NULL, gseq BIGINT NOT NULL, client_id TEXT NOT NULL, seq BIGINT NOT NULL,
          name TEXT NOT NULL, args TEXT NOT NULL, ts DOUBLE PRECISION, PRIMARY KEY (store_id, gseq));
        CREATE UNIQUE INDEX strata_events_client_seq ON ${t('strata_events')} (store_id, client_id, seq);
        CREATE TABLE ${t('strata_clients')} (
          store_id TEXT NOT NULL, client_id TEXT NOT NULL, last_seq BIGINT NOT NULL, PRIMARY KEY (store_id, client_id));
        CREATE TABLE ${t('strata_replica_images')} (
          store_id TEXT PRIMARY KEY, head BIGINT NOT NULL, schema_hash TEXT NOT NULL, image BYTEA NOT NULL);
        CREATE TABLE ${t('strata_rejections')} (
          store_id TEXT NOT NULL, client_id TEXT NOT NULL, seq BIGINT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
          PRIMARY KEY (store_id, client_id, seq));
        INSERT INTO ${t('strata_stores')} VALUES ('old', 2);
        INSERT INTO ${t('strata_events')} VALUES ('old', 1, 'w', 1, 'v1.Test', '{"n":1}', 1700000000001),
                                                 ('old', 2, 'w', 2, 'v1.Test', '{"n":2}', 1700000000002);
        INSERT INTO ${t('strata_rejections')} VALUES ('old', 'w', 3, 'invalid', 'bad');
        INSERT INTO ${t('strata_clients')} VALUES ('old', 'w', 3);
      `)
      await migratedDatabaseConformance(() =>
        openPostgresStorage({ connectionString: PG_URL, schema: oldSchema }),
      )
      const rows = await c.query(
        `SELECT client_id, last_seq::int AS last_seq, user_id FROM ${t('strata_clients')} ORDER BY client_id`,
      )
      expect(rows.rows).toEqual([
        { client_id: 'n', last_seq: 1, user_id: 'bob' },
        { client_id: 'w', last_seq: 6, user_id: 'ada' },
      ])
    } finally {
      await c.end()
    }
  })

  it('an unreachable database fails with a typed error', async () => {
    await expect(
      openPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }),
    ).rejects.toMatchObject({
      name: 'StorageError',
      code: 'open_failed',
    })
  })
})
