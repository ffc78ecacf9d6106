// Replica images (decision 0064): a replica saves its materialized state to the storage
// and reopens from it plus the log's tail instead of replaying the whole log — and an
// image that could disagree with the log is never taken or never used.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PushedEvent } from '@strata/sync'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ev, schema } from '../../test/accounts.js'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import { startSyncServer } from '../server.js'
import { openSqliteStorage } from '../storage/sqlite.js'
import type { AppendResult, SyncStorage } from '../storage/storage.js'
import { Replicas } from './replicas.js'

const dir = mkdtempSync(join(tmpdir(), 'strata-replica-images-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

let n = 0
/** A SQLite file storage that counts the events it hands out through `read`. */
function storage(file = join(dir, `s${n++}.db`)) {
  const s = openSqliteStorage({ filename: file })
  cleanups.push(() => s.close())
  const counted = { eventsRead: 0 }
  const wrapped: SyncStorage = {
    ...s,
    async read(storeId, after, limit) {
      const page = await s.read(storeId, after, limit)
      counted.eventsRead += page.length
      return page
    },
  }
  return { s: wrapped, counted, file }
}
function pool(s: SyncStorage, options: ConstructorParameters<typeof Replicas>[2] = {}) {
  const p = new Replicas(schema, s, { idleMs: 60_000, ...options })
  cleanups.push(() => p.close())
  return p
}
/** One push through the storage with the pool's replica judging, as the server does. */
async function push(
  p: Replicas,
  s: SyncStorage,
  clientId: string,
  events: PushedEvent[],
): Promise<AppendResult> {
  const replica = await p.get('team:a')
  return p.judged(replica, (judge) => s.append('team:a', clientId, events, [], judge))
}
const opened = (seq: number, id: string) => ev('c', seq, 'v1.AccountOpened', { id })
const deposit = (seq: number, id: string, amount: number) => ev('c', seq, 'v1.Deposited', { id, amount })
const withdraw = (seq: number, id: string, amount: number) => ev('c', seq, 'v1.Withdrawn', { id, amount })

describe('replica images', () => {
  it('an evicted replica saves its image and reopens from it plus the tail of the log', async () => {
    const { s, counted } = storage()
    const p = pool(s)
    const events = [opened(1, 'x')]
    for (let i = 2; i <= 200; i++) events.push(deposit(i, 'x', 1))
    await push(p, s, 'c', events)
    p.sweep(Date.now() + 60_000) // idle: retired, its image saved
    await p.close()
    const image = await s.loadImage!('team:a')
    expect(image).toMatchObject({ head: 200, schemaHash: schema.hash })

    // Meanwhile another node (or this one, without replica) committed two more events.
    await s.append('team:a', 'w', [ev('w', 1, 'v1.Deposited', { id: 'x', amount: 10 })], [])
    await s.append('team:a', 'w', [ev('w', 2, 'v1.Deposited', { id: 'x', amount: 10 })], [])
    counted.eventsRead = 0
    const again = pool(s)
    const replica = await again.get('team:a')
    expect(replica.seededFrom).toBe('image')
    expect(replica.head).toBe(202)
    expect(counted.eventsRead).toBe(2) // the tail, not the 202 events of the log
    // It judges with the full state: balance 199 + 20 = 219.
    const r = await push(again, s, 'c', [withdraw(201, 'x', 220), withdraw(202, 'x', 219)])
    expect(r.results.map((x) => x.ok)).toEqual([false, true])
  })

  it('saves an image every imageEvery events, after the push committed', async () => {
    const { s } = storage()
    const p = pool(s, { imageEvery: 5 })
    await push(p, s, 'c', [opened(1, 'y'), deposit(2, 'y', 1), deposit(3, 'y', 1)])
    expect(await s.loadImage!('team:a')).toBeUndefined() // 3 < 5
    await push(p, s, 'c', [deposit(4, 'y', 1), deposit(5, 'y', 1)])
    await p.close() // waits for the background save
    expect(await s.loadImage!('team:a')).toMatchObject({ head: 5 })
  })

  it('takes no image of a push that failed to commit, nor while one is in flight', async () => {
    const { s } = storage()
    const p = pool(s, { imageEvery: 1 })
    await push(p, s, 'c', [opened(1, 'z')])
    await p.close()
    expect(await s.loadImage!('team:a')).toMatchObject({ head: 1 })

    const q = pool(s, { imageEvery: 1 })
    const replica = await q.get('team:a')
    // The storage judges (the replica applies the event), then the commit fails.
    const failing = q.judged(replica, async (judge) => {
      judge(1, [deposit(2, 'z', 5)])
      expect(replica.image()).toBeUndefined() // in flight: never saved
      throw new Error('disk full')
    })
    await expect(failing).rejects.toThrow('disk full')
    q.discard('team:a') // what the server does after a failed append
    await q.close()
    expect(await s.loadImage!('team:a')).toMatchObject({ head: 1 }) // not the uncommitted 2
    expect((await s.read('team:a', 0, 10)).length).toBe(1)
  })

  it('ignores an image made with another schema, ahead of the log, or damaged, and seeds from the log', async () => {
    const { s, counted } = storage()
    const p = pool(s)
    await push(p, s, 'c', [opened(1, 'w'), deposit(2, 'w', 3)])
    await p.close()
    const good = (await s.loadImage!('team:a'))!
    for (const bad of [
      { ...good, schemaHash: 'another schema' },
      { ...good, head: 99 }, // the log's head is 2
      { ...good, bytes: new TextEncoder().encode('not a database') },
    ]) {
      await s.saveImage!('team:a', bad)
      counted.eventsRead = 0
      const q = pool(s, { imageEvery: 0 })
      const replica = await q.get('team:a')
      expect(replica.seededFrom).toBe('log')
      expect(replica.head).toBe(2)
      expect(counted.eventsRead).toBe(2)
      await q.close()
    }
  })

  it('a restarted server opens replicas from the images it saved at shutdown', async () => {
    const file = join(dir, 'server.db')
    const lines: Array<{ msg: string; from?: string }> = []
    const logger: Logger = {
      ...silentLogger,
      info: (msg, fields) => lines.push({ msg, ...(fields as { from?: string }) }),
    }
    const first = await startSyncServer({ port: 0, db: file, schema, logger: silentLogger })
    const body = JSON.stringify({
      clientId: 'h',
      events: [opened(1, 'q'), deposit(2, 'q', 4)].map((e) => ({ ...e, clientId: 'h' })),
    })
    expect((await fetch(`${first.url}/v1/stores/team%3Aa/push`, { method: 'POST', body })).status).toBe(200)
    await first.close()

    const second = await startSyncServer({ port: 0, db: file, schema, logger })
    cleanups.push(() => second.close())
    const refused = JSON.stringify({ clientId: 'h', events: [{ ...withdraw(3, 'q', 5), clientId: 'h' }] })
    const ack = await (
      await fetch(`${second.url}/v1/stores/team%3Aa/push`, { method: 'POST', body: refused })
    ).json()
    expect(ack.results).toEqual([expect.objectContaining({ seq: 3, ok: false, code: 'invalid' })])
    expect(lines.find((l) => l.msg === 'replica seeded')).toMatchObject({ from: 'image' })
  })
})

describe('replica options', () => {
  it.each([
    ['imageEvery', -1],
    ['imageEvery', 0.5],
    ['maxReplicas', 0],
    ['idleMs', Number.NaN],
  ])('refuses replicas.%s = %s with ConfigError bad_replicas', async (key, value) => {
    const err = await startSyncServer({
      port: 0,
      db: ':memory:',
      schema,
      logger: silentLogger,
      replicas: { [key]: value },
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'ConfigError', code: 'bad_replicas' })
    expect((err as Error).message).toContain(`replicas.${key}`)
  })
})
