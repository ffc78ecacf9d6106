import { Column, Events, makeSchema, table } from '@strata/store'
import { NotLeaderError } from '@strata/store/browser'
import type { PushedEvent } from '@strata/sync'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ev, schema } from '../../test/accounts.js'
import { openSqliteStorage } from '../storage/sqlite.js'
import type { SyncStorage } from '../storage/storage.js'
import { Replica } from './replica.js'
import { isFullStoreSchema, Replicas } from './replicas.js'

let storages: SyncStorage[] = []
let replicas: Replica[] = []
afterEach(async () => {
  for (const r of replicas) r.close()
  replicas = []
  await Promise.all(storages.map((s) => s.close()))
  storages = []
})

function storage(): SyncStorage {
  const s = openSqliteStorage({ filename: ':memory:' })
  storages.push(s)
  return s
}
async function open(s: SyncStorage, storeId = 'team:a', compactEvery?: number): Promise<Replica> {
  const r = await Replica.open(schema, s, storeId, compactEvery === undefined ? {} : { compactEvery })
  replicas.push(r)
  return r
}
/** Appends through the storage with the replica as judge, like the server does. */
async function push(s: SyncStorage, r: Replica, clientId: string, events: PushedEvent[]) {
  return s.append('team:a', clientId, events, [], (head, c) => r.judge(head, c))
}

describe('Replica', () => {
  it('judges a batch against the state of the events before it, refusing what a materializer throws on', async () => {
    const s = storage()
    const r = await open(s)
    const result = await push(s, r, 'c', [
      ev('c', 1, 'v1.Deposited', { id: 'x', amount: 1 }),
      ev('c', 2, 'v1.AccountOpened', { id: 'x' }),
      ev('c', 3, 'v1.Deposited', { id: 'x', amount: 5 }),
      ev('c', 4, 'v1.Withdrawn', { id: 'x', amount: 6 }),
      ev('c', 5, 'v1.Withdrawn', { id: 'x', amount: 5 }),
      ev('c', 6, 'v1.AccountOpened', { id: 'x' }),
    ])
    expect(result.results).toEqual([
      {
        seq: 1,
        ok: false,
        code: 'invalid',
        reason: 'Materializer for "v1.Deposited" failed; the commit was rolled back: no open account x',
      },
      { seq: 2, ok: true, gseq: 1 },
      { seq: 3, ok: true, gseq: 2 },
      {
        seq: 4,
        ok: false,
        code: 'invalid',
        reason:
          'Materializer for "v1.Withdrawn" failed; the commit was rolled back: insufficient funds in x: 5 < 6',
      },
      { seq: 5, ok: true, gseq: 3 },
      expect.objectContaining({ seq: 6, ok: false, code: 'invalid' }),
    ])
    expect(r.head).toBe(3)
    expect((await s.read('team:a', 0, 10)).map((e) => e.seq)).toEqual([2, 3, 5])
    // The refused withdrawal left the balance alone: 5 - 5 = 0, so 1 more is refused.
    const more = await push(s, r, 'c', [ev('c', 7, 'v1.Withdrawn', { id: 'x', amount: 1 })])
    expect(more.results[0]).toMatchObject({ ok: false, reason: expect.stringContaining('0 < 1') })
  })

  it('seeds from the log, and will not judge at a head it has not reached', async () => {
    const s = storage()
    await s.append(
      'team:a',
      'w',
      [ev('w', 1, 'v1.AccountOpened', { id: 'y' }), ev('w', 2, 'v1.Deposited', { id: 'y', amount: 3 })],
      [],
    )
    const r = await open(s)
    expect(r.head).toBe(2)
    // Another writer (another node) commits without this replica.
    await s.append('team:a', 'w', [ev('w', 3, 'v1.AccountClosed', { id: 'y' })], [])
    const deposit = [ev('c', 1, 'v1.Deposited', { id: 'y', amount: 1 })]
    const stale = await push(s, r, 'c', deposit)
    expect(stale).toMatchObject({ stale: true, results: [], appended: [], head: 3 })
    expect(await s.lastSeq('team:a', 'c')).toBe(0)
    await r.catchUp()
    expect(r.head).toBe(3)
    const judged = await push(s, r, 'c', deposit)
    expect(judged.results[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no open account y'),
    })
  })

  it('a replica ahead of the log (its events were not committed) is broken for good', async () => {
    const s = storage()
    const r = await open(s)
    expect(r.judge(0, [ev('c', 1, 'v1.AccountOpened', { id: 'z' })])).toEqual([undefined])
    expect(r.head).toBe(1)
    // The push transaction that judged it rolled back: the log is still at 0.
    expect(r.judge(0, [ev('c', 1, 'v1.AccountOpened', { id: 'z' })])).toBeUndefined()
    expect(r.broken).toBe(true)
    expect(r.judge(1, [ev('c', 2, 'v1.AccountOpened', { id: 'q' })])).toBeUndefined()
  })

  it('seeding skips confirmed events the current materializers refuse, and counts them', async () => {
    const s = storage()
    // The log holds a deposit to a missing account (accepted before the dry run existed).
    await s.append(
      'team:a',
      'w',
      [
        ev('w', 1, 'v1.Deposited', { id: 'gone', amount: 1 }),
        ev('w', 2, 'v1.AccountOpened', { id: 'k' }),
        ev('w', 3, 'v1.Deposited', { id: 'k', amount: 2 }),
      ],
      [],
    )
    const r = await open(s)
    expect({ head: r.head, skipped: r.skipped }).toEqual({ head: 3, skipped: 1 })
    const result = await push(s, r, 'c', [ev('c', 1, 'v1.Withdrawn', { id: 'k', amount: 2 })])
    expect(result.results).toEqual([{ seq: 1, ok: true, gseq: 4 }])
  })

  it('keeps judging correctly across compactions of its own log', async () => {
    const s = storage()
    const r = await open(s, 'team:a', 7)
    const events = [ev('c', 1, 'v1.AccountOpened', { id: 'm' })]
    for (let i = 2; i <= 40; i++) events.push(ev('c', i, 'v1.Deposited', { id: 'm', amount: 1 }))
    for (let i = 0; i < 40; i += 8) await push(s, r, 'c', events.slice(i, i + 8))
    expect(r.head).toBe(40)
    const over = await push(s, r, 'c', [ev('c', 41, 'v1.Withdrawn', { id: 'm', amount: 40 })])
    expect(over.results[0]).toMatchObject({ ok: false, reason: expect.stringContaining('39 < 40') })
    // A fresh replica seeded from the same log agrees.
    const fresh = await open(s, 'team:a', 7)
    expect(fresh.judge(40, [ev('c', 42, 'v1.Withdrawn', { id: 'm', amount: 39 })])).toEqual([undefined])
  })
})

describe("Replica failures that are not the event's fault", () => {
  // An error the engine passes through unwrapped stands in for the replica's own failure
  // (its database refusing writes): it must never become a verdict on the event.
  const glitchy = table('glitchy', { id: Column.text({ primaryKey: true }) })
  const glitch = Events.synced({ name: 'v1.Glitch', schema: z.object({ id: z.string() }) })
  const glitchSchema = makeSchema({
    events: { glitch },
    tables: { glitchy },
    materializers: {
      'v1.Glitch': ({ id }, db) => {
        if (id === 'fail') throw new NotLeaderError('s', 'INSERT INTO glitchy')
        db.insert(glitchy, { id })
      },
    },
  })

  it('judging: the replica is broken and answers stale instead of refusing', async () => {
    const s = storage()
    const r = await Replica.open(glitchSchema, s, 'team:g')
    replicas.push(r)
    const judged = r.judge(0, [
      ev('c', 1, 'v1.Glitch', { id: 'ok' }),
      ev('c', 2, 'v1.Glitch', { id: 'fail' }),
    ])
    expect(judged).toBeUndefined()
    expect(r.broken).toBe(true)
  })

  it('seeding: the failure surfaces instead of skipping the event', async () => {
    const s = storage()
    await s.append('team:g', 'w', [ev('w', 1, 'v1.Glitch', { id: 'fail' })], [])
    await expect(Replica.open(glitchSchema, s, 'team:g')).rejects.toThrow(NotLeaderError)
  })
})

describe('Replicas', () => {
  it('opens one replica per store (concurrent callers share the seeding), evicts idle and beyond max', async () => {
    const s = storage()
    const pool = new Replicas(schema, s, { maxReplicas: 2, idleMs: 60_000 })
    try {
      const [a1, a2] = await Promise.all([pool.get('team:a'), pool.get('team:a')])
      expect(a1).toBe(a2)
      const b = await pool.get('team:b')
      expect(pool.size).toBe(2)
      b.lastUsed = 0
      a1.lastUsed = 1
      await pool.get('team:c')
      // team:b was least recently used
      expect(pool.size).toBe(2)
      expect(await pool.get('team:a')).toBe(a1)
      pool.sweep(Date.now() + 60_000)
      expect(pool.size).toBe(0)
      // a discarded or broken replica is replaced on next use
      const again = await pool.get('team:a')
      expect(again).not.toBe(a1)
      again.broken = true
      expect(await pool.get('team:a')).not.toBe(again)
    } finally {
      await pool.close()
    }
    expect(pool.size).toBe(0)
  })

  it('a replica that took long to seed is not the first evicted: the one it was seeded for uses it', async () => {
    const s = storage()
    await s.append('team:slow', 'w', [ev('w', 1, 'v1.AccountOpened', { id: 's' })], [])
    // Seeding team:slow reads the log slowly; team:a is used meanwhile.
    const slow: SyncStorage = {
      ...s,
      read: (storeId, after, limit) =>
        storeId === 'team:slow'
          ? new Promise((r) => setTimeout(() => r(s.read(storeId, after, limit)), 30))
          : s.read(storeId, after, limit),
    }
    const pool = new Replicas(schema, slow, { maxReplicas: 1, idleMs: 60_000 })
    try {
      const a = await pool.get('team:a')
      const seeding = pool.get('team:slow')
      await new Promise((r) => setTimeout(r, 10))
      expect(await pool.get('team:a')).toBe(a) // used after team:slow's seeding began
      const seeded = await seeding
      // At capacity, the least recently used goes: team:a, not the replica just asked for
      // (closed, it would answer stale and the push would re-seed it over and over).
      expect(seeded.judge(1, [ev('c', 1, 'v1.Deposited', { id: 's', amount: 1 })])).toEqual([undefined])
      expect(pool.size).toBe(1)
      expect(await pool.get('team:slow')).toBe(seeded)
    } finally {
      await pool.close()
    }
  })

  it('dry runs only full store schemas', () => {
    expect(isFullStoreSchema(schema)).toBe(true)
    expect(isFullStoreSchema(undefined)).toBe(false)
    expect(isFullStoreSchema({ 'v1.X': z.object({}) })).toBe(false)
    // validation only needs events by name; the dry run needs tables and materializers too
    expect(isFullStoreSchema({ eventsByName: schema.eventsByName })).toBe(false)
  })
})
