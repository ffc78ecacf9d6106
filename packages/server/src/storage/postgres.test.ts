import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { ev, storageConformance } from '../../test/storage-conformance.js'
import { openPostgresStorage } from './postgres.js'

const PG_URL = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `strata_test_storage_${process.pid}_${Date.now().toString(36)}`

afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
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

  it('an unreachable database fails with a typed error', async () => {
    await expect(
      openPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }),
    ).rejects.toMatchObject({
      name: 'StorageError',
      code: 'open_failed',
    })
  })
})
