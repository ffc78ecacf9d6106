// The SQLite and Postgres storages answer the same push the same way, also for text
// one of them cannot hold.
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../src/logger.js'
import { startSyncServer } from '../src/server.js'
import { event, join, PG_URL } from './harness.js'

const schema = `strata_test_agree_${process.pid}_${Date.now().toString(36)}`
afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.end()
})

describe.each([
  ['SQLite', ':memory:'],
  ['Postgres', `${PG_URL}?schema=${schema}`],
])('%s: an event whose name or args hold U+0000 (NUL)', (_kind, db) => {
  it('is refused as invalid, on its own: the push is answered and later events get through', async () => {
    const s = await startSyncServer({ port: 0, db, logger: silentLogger })
    try {
      const { c } = await join(s.wsUrl, 'team:nul', 'c')
      c.send({
        t: 'push',
        id: 1,
        events: [event('c', 1, { ok: true }, 'v1.Bad\u0000Name'), event('c', 2, { text: 'a\u0000b' })],
      })
      const ack = await Promise.race([c.next('ack'), c.next('error')])
      expect(ack).toMatchObject({ t: 'ack', lastSeq: 2 })
      expect(ack.results).toMatchObject([
        { seq: 1, ok: false, code: 'invalid' },
        { seq: 2, ok: false, code: 'invalid' },
      ])
      c.send({ t: 'push', id: 2, events: [event('c', 3)] })
      const next = await Promise.race([c.next('ack', (m) => m.id === 2), c.next('error')])
      expect(next).toMatchObject({ t: 'ack', lastSeq: 3, results: [{ seq: 3, ok: true }] })
      c.close()
    } finally {
      await s.close({ timeoutMs: 500 })
    }
  })
})
