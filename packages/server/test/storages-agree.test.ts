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
])('%s: text with U+0000 (NUL)', (_kind, db) => {
  it('an event name holding it is refused as invalid, on its own; args holding it are stored intact', async () => {
    const s = await startSyncServer({ port: 0, db, logger: silentLogger })
    try {
      const { c } = await join(s.wsUrl, 'team:nul', 'c')
      c.send({
        t: 'push',
        id: 1,
        events: [event('c', 1, { ok: true }, 'v1.Bad\u0000Name'), event('c', 2, { 'k\u0000': 'a\u0000b' })],
      })
      const ack = await Promise.race([c.next('ack'), c.next('error')])
      expect(ack).toMatchObject({
        t: 'ack',
        lastSeq: 2,
        results: [
          { seq: 1, ok: false, code: 'invalid' },
          { seq: 2, ok: true },
        ],
      })
      const pulled = (await (await fetch(`${s.url}/v1/stores/team%3Anul/pull?cursor=0`)).json()) as {
        events: Array<{ args: unknown }>
      }
      expect(pulled.events.map((e) => e.args)).toEqual([{ 'k\u0000': 'a\u0000b' }])
      c.close()
    } finally {
      await s.close({ timeoutMs: 500 })
    }
  })

  it('a refusal whose reason holds it is answered and recorded (as U+FFFD), not a failed push', async () => {
    const s = await startSyncServer({
      port: 0,
      db,
      logger: silentLogger,
      authorize: (_user, _store, action) => (action === 'write' ? { deny: 'not for you\u0000' } : true),
    })
    try {
      const { c } = await join(s.wsUrl, 'team:nul-deny', 'c')
      c.send({ t: 'push', id: 1, events: [event('c', 1)] })
      const ack = await Promise.race([c.next('ack'), c.next('error')])
      expect(ack).toMatchObject({ t: 'ack', results: [{ seq: 1, ok: false, code: 'forbidden' }] })
      // a re-push gets the recorded outcome
      c.send({ t: 'push', id: 2, events: [event('c', 1)] })
      const again = await Promise.race([c.next('ack', (m) => m.id === 2), c.next('error')])
      expect(again).toMatchObject({ t: 'ack', results: [{ seq: 1, ok: false, reason: 'not for you\uFFFD' }] })
      c.close()
    } finally {
      await s.close({ timeoutMs: 500 })
    }
  })
})
