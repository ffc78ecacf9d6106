// The materializer dry run (decision 0059) end to end: real servers with real
// WebSockets on real SQLite files and a real Postgres, raw protocol clients and real
// stores synced by the real sync client.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { Column, createStore, Events, makeSchema, type Store, table } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { type AckResult, createSyncClient, type SyncRejection } from '@strata/sync'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from '../src/errors.js'
import { silentLogger } from '../src/logger.js'
import { type SyncServer, type SyncServerOptions, startSyncServer } from '../src/server.js'
import { accounts, deposited, ev, opened, schema, withdrawn } from './accounts.js'
import { join, PG_URL, type ServerProcess, spawnServer, type TestClient, waitFor } from './harness.js'

const dir = mkdtempSync(joinPath(tmpdir(), 'strata-dry-run-'))
const pgSchema = `strata_test_dry_run_${process.pid}_${Date.now().toString(36)}`
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`)
  await c.end()
})
let servers: SyncServer[] = []
let clients: TestClient[] = []
let cleanups: Array<() => void> = []
afterEach(async () => {
  for (const f of cleanups) f()
  cleanups = []
  for (const c of clients) c.close()
  clients = []
  await Promise.all(servers.map((s) => s.close({ timeoutMs: 1000 })))
  servers = []
})

async function start(options: SyncServerOptions & { db: string }): Promise<SyncServer> {
  const s = await startSyncServer({ port: 0, schema, logger: silentLogger, ...options })
  servers.push(s)
  return s
}
async function open(s: { wsUrl: string }, storeId: string, clientId: string) {
  const r = await join(s.wsUrl, storeId, clientId)
  clients.push(r.c)
  return r.c
}
/** Pushes `events` as push `id` and returns the ack's results. */
async function push(c: TestClient, id: number, events: ReturnType<typeof ev>[]) {
  c.send({ t: 'push', id, events })
  return (await c.next('ack', (m) => m.id === id)).results
}
async function device(s: SyncServer, storeId: string, name: string) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId, clientId: name })
  const sync = createSyncClient({ store, url: s.wsUrl, backoff: { initialDelayMs: 20, maxDelayMs: 200 } })
  const rejections: SyncRejection[] = []
  sync.onRejection((r) => rejections.push(r))
  cleanups.push(() => {
    sync.dispose()
    store.close()
  })
  return { store, sync, rejections }
}
const balances = (store: Store<typeof schema>) =>
  store.query(accounts.orderBy('id')).map((a) => `${a.id}:${a.balance}`)
const refusal = (name: string, why: string) =>
  `Materializer for "${name}" failed; the commit was rolled back: ${why}`

describe('materializer dry run (SQLite)', () => {
  it('refuses an event whose materializer throws, keeps the events after it, and nobody sees it', async () => {
    const s = await start({ db: joinPath(dir, 'refuse.db') })
    const a = await open(s, 'team:bank', 'a')
    const b = await open(s, 'team:bank', 'b')
    const opening = await push(a, 1, [
      ev('a', 1, 'v1.AccountOpened', { id: 'x' }),
      ev('a', 2, 'v1.Deposited', { id: 'x', amount: 5 }), // depends on seq 1, same batch
    ])
    expect(opening).toEqual([
      { seq: 1, ok: true, gseq: 1 },
      { seq: 2, ok: true, gseq: 2 },
    ])
    const overdraft = refusal('v1.Withdrawn', 'insufficient funds in x: 5 < 9')
    const mixed = await push(a, 2, [
      ev('a', 3, 'v1.Withdrawn', { id: 'x', amount: 9 }), // overdraft: refused
      ev('a', 4, 'v1.Withdrawn', { id: 'x', amount: 5 }), // judged without seq 3: fine
      ev('a', 5, 'v1.Deposited', { id: 'nope', amount: 1 }), // no such account
      ev('a', 6, 'v1.AccountOpened', { id: 'y' }),
    ])
    expect(mixed).toEqual([
      { seq: 3, ok: false, code: 'invalid', reason: overdraft },
      { seq: 4, ok: true, gseq: 3 },
      { seq: 5, ok: false, code: 'invalid', reason: refusal('v1.Deposited', 'no open account nope') },
      { seq: 6, ok: true, gseq: 4 },
    ])
    expect(a.inbox.find((m) => m.t === 'ack' && m.id === 2)).toMatchObject({ lastSeq: 6 })
    // Nothing of the refused events on the server, nor on the other client's stream.
    expect((await s.storage.read('team:bank', 0, 100)).map((e) => e.seq)).toEqual([1, 2, 4, 6])
    await b.waitStreamed(4)
    expect(b.streamed().map((e) => `${e.gseq}:${e.seq}`)).toEqual(['1:1', '2:2', '3:4', '4:6'])
    // The refusal is final: re-pushing returns it again and changes nothing.
    expect(await push(a, 3, [ev('a', 3, 'v1.Withdrawn', { id: 'x', amount: 9 })])).toEqual([
      { seq: 3, ok: false, code: 'invalid', reason: overdraft, duplicate: true },
    ])
    expect(await s.storage.head('team:bank')).toBe(4)
    expect(s.metrics.render()).toMatch(/strata_events_rejected_total 2\n/)
    expect(s.metrics.render()).toMatch(/strata_replicas 1\n/)
  })

  it('the sync client drops the refused event, keeps and confirms the later ones; the other device never sees it', async () => {
    const s = await start({ db: joinPath(dir, 'clients.db') })
    const laptop = await device(s, 'user:ada', 'laptop')
    const phone = await device(s, 'user:ada', 'phone')
    laptop.store.commit(opened({ id: 'acc' }), deposited({ id: 'acc', amount: 10 }))
    await laptop.sync.whenSynced({ timeoutMs: 20_000 })
    await waitFor(() => balances(phone.store).join() === 'acc:10', 'the phone to see acc:10')
    // The phone goes offline and spends 8 (fine locally); meanwhile the laptop spends 5.
    phone.sync.stop()
    phone.store.commit(withdrawn({ id: 'acc', amount: 8 }))
    phone.store.commit(opened({ id: 'savings' }), deposited({ id: 'savings', amount: 3 }))
    expect(balances(phone.store)).toEqual(['acc:2', 'savings:3'])
    laptop.store.commit(withdrawn({ id: 'acc', amount: 5 }))
    await laptop.sync.whenSynced({ timeoutMs: 20_000 })
    // Back online: the server refuses the overdraft (10 - 5 < 8) and keeps the rest.
    phone.sync.start()
    await phone.sync.whenSynced({ timeoutMs: 20_000 })
    expect(phone.rejections.map((r) => [r.event.name, r.event.seq, r.code, r.reason])).toEqual([
      ['v1.Withdrawn', 1, 'invalid', refusal('v1.Withdrawn', 'insufficient funds in acc: 5 < 8')],
    ])
    expect(phone.store.sync.pending()).toEqual([])
    expect(balances(phone.store)).toEqual(['acc:5', 'savings:3'])
    await waitFor(() => balances(laptop.store).join() === 'acc:5,savings:3', 'the laptop to see savings')
    expect(laptop.rejections).toEqual([])
    const log = await s.storage.read('user:ada', 0, 100)
    expect(log.map((e) => `${e.clientId}:${e.name}`)).toEqual([
      'laptop:v1.AccountOpened',
      'laptop:v1.Deposited',
      'laptop:v1.Withdrawn',
      'phone:v1.AccountOpened',
      'phone:v1.Deposited',
    ])
  })

  it('judges HTTP pushes the same way', async () => {
    const s = await start({ db: joinPath(dir, 'http.db') })
    const post = async (events: ReturnType<typeof ev>[]) => {
      const res = await fetch(`${s.url}/v1/stores/team%3Ahttp/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: 'h', events }),
      })
      return ((await res.json()) as { results: AckResult[] }).results
    }
    expect(
      await post([
        ev('h', 1, 'v1.Deposited', { id: 'w', amount: 1 }),
        ev('h', 2, 'v1.AccountOpened', { id: 'w' }),
        ev('h', 3, 'v1.Deposited', { id: 'w', amount: 1 }),
      ]),
    ).toEqual([
      { seq: 1, ok: false, code: 'invalid', reason: refusal('v1.Deposited', 'no open account w') },
      { seq: 2, ok: true, gseq: 1 },
      { seq: 3, ok: true, gseq: 2 },
    ])
    // a re-push is answered from the stored outcomes, not judged again
    expect((await post([ev('h', 1, 'v1.Deposited', { id: 'w', amount: 1 })]))[0]).toMatchObject({
      ok: false,
      duplicate: true,
      reason: refusal('v1.Deposited', 'no open account w'),
    })
    expect(await s.storage.head('team:http')).toBe(2)
  })

  it('after a restart the replica is re-seeded from the log', async () => {
    const db = joinPath(dir, 'restart.db')
    const first = await start({ db })
    const a = await open(first, 'team:r', 'a')
    await push(a, 1, [
      ev('a', 1, 'v1.AccountOpened', { id: 'r' }),
      ev('a', 2, 'v1.Deposited', { id: 'r', amount: 4 }),
    ])
    await first.close()
    servers = servers.filter((x) => x !== first)
    const second = await start({ db })
    const b = await open(second, 'team:r', 'b')
    const results = await push(b, 1, [
      ev('b', 1, 'v1.Withdrawn', { id: 'r', amount: 5 }),
      ev('b', 2, 'v1.Withdrawn', { id: 'r', amount: 4 }),
      ev('b', 3, 'v1.AccountOpened', { id: 'r' }),
    ])
    expect(results).toEqual([
      {
        seq: 1,
        ok: false,
        code: 'invalid',
        reason: refusal('v1.Withdrawn', 'insufficient funds in r: 4 < 5'),
      },
      { seq: 2, ok: true, gseq: 3 },
      expect.objectContaining({ seq: 3, ok: false, code: 'invalid' }),
    ])
  })

  it('replicas: false accepts what the materializers would refuse (payload checks only)', async () => {
    const s = await start({ db: joinPath(dir, 'off.db'), replicas: false })
    const a = await open(s, 'team:off', 'a')
    expect(await push(a, 1, [ev('a', 1, 'v1.Deposited', { id: 'none', amount: 1 })])).toEqual([
      { seq: 1, ok: true, gseq: 1 },
    ])
    const bad = await push(a, 2, [ev('a', 2, 'v1.Deposited', { id: 'none', amount: -1 })])
    expect(bad[0]).toMatchObject({ ok: false, code: 'invalid' })
  })

  it('refuses to start with replicas but no full store schema', async () => {
    await expect(
      startSyncServer({ port: 0, logger: silentLogger, schema: { 'v1.X': z.object({}) }, replicas: true }),
    ).rejects.toThrow(ConfigError)
  })
})

describe('materializer dry run on two nodes sharing Postgres', () => {
  it('a node judges against what the other node committed, even when no notice of it arrived', async () => {
    const db = `${PG_URL}?schema=${pgSchema}`
    // Local fan-out: the nodes never hear of each other's commits, so only the check
    // inside the push transaction (replica head = locked head) keeps them right.
    const one = await start({ db, fanout: 'local' })
    const two = await start({ db, fanout: 'local' })
    const a = await open(one, 'team:pg', 'a')
    const b = await open(two, 'team:pg', 'b')
    await push(b, 0, [ev('b', 1, 'v1.AccountOpened', { id: 'o' })])
    await push(a, 1, [ev('a', 1, 'v1.AccountOpened', { id: 'p' })])
    // Node two's replica (seeded at head 1) has not seen account p: it must catch up before judging.
    expect(await push(b, 1, [ev('b', 2, 'v1.Deposited', { id: 'p', amount: 2 })])).toEqual([
      { seq: 2, ok: true, gseq: 3 },
    ])
    await push(a, 2, [ev('a', 2, 'v1.AccountClosed', { id: 'p' })])
    expect(await push(b, 2, [ev('b', 3, 'v1.Deposited', { id: 'p', amount: 1 })])).toEqual([
      { seq: 3, ok: false, code: 'invalid', reason: refusal('v1.Deposited', 'no open account p') },
    ])
    // Concurrent withdrawals of the whole balance on both nodes: exactly one wins.
    await push(a, 3, [
      ev('a', 3, 'v1.AccountOpened', { id: 'q' }),
      ev('a', 4, 'v1.Deposited', { id: 'q', amount: 1 }),
    ])
    const pushes: Promise<AckResult[]>[] = []
    for (let i = 0; i < 5; i++) {
      pushes.push(push(a, 10 + i, [ev('a', 5 + i, 'v1.Withdrawn', { id: 'q', amount: 1 })]))
      pushes.push(push(b, 10 + i, [ev('b', 4 + i, 'v1.Withdrawn', { id: 'q', amount: 1 })]))
    }
    const results = (await Promise.all(pushes)).flat()
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    const log = await one.storage.read('team:pg', 0, 100)
    expect(log.filter((e) => e.name === 'v1.Withdrawn')).toHaveLength(1)
    expect(log.map((e) => e.gseq)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('with the LISTEN/NOTIFY fan-out, replicas follow the other node in the background', async () => {
    const db = `${PG_URL}?schema=${pgSchema}`
    const one = await start({ db })
    const two = await start({ db })
    const a = await open(one, 'team:pg-notify', 'a')
    const b = await open(two, 'team:pg-notify', 'b')
    await push(b, 1, [ev('b', 1, 'v1.AccountOpened', { id: 'n' })])
    const both = await push(a, 1, [
      ev('a', 1, 'v1.Deposited', { id: 'n', amount: 3 }),
      ev('a', 2, 'v1.AccountClosed', { id: 'n' }),
    ])
    expect(both).toEqual([
      { seq: 1, ok: true, gseq: 2 },
      { seq: 2, ok: true, gseq: 3 },
    ])
    await b.waitStreamed(3)
    expect(await push(b, 2, [ev('b', 2, 'v1.Withdrawn', { id: 'n', amount: 1 })])).toEqual([
      { seq: 2, ok: false, code: 'invalid', reason: refusal('v1.Withdrawn', 'no open account n') },
    ])
  })
})

describe('strata serve --schema (real server processes)', () => {
  it("dry-runs the module's materializers, and after a restart judges against the re-seeded replica", async () => {
    const db = joinPath(dir, 'cli.db')
    const args = ['--db', db, '--schema', 'packages/server/test/accounts.ts']
    const procs: ServerProcess[] = []
    cleanups.push(() => {
      for (const p of procs) void p.stop('SIGKILL')
    })
    const first = await spawnServer(args)
    procs.push(first)
    const a = await open(first, 'team:cli', 'a')
    expect(
      await push(a, 1, [
        ev('a', 1, 'v1.AccountOpened', { id: 'c' }),
        ev('a', 2, 'v1.Deposited', { id: 'c', amount: 2 }),
        ev('a', 3, 'v1.Withdrawn', { id: 'c', amount: 3 }),
      ]),
    ).toEqual([
      { seq: 1, ok: true, gseq: 1 },
      { seq: 2, ok: true, gseq: 2 },
      {
        seq: 3,
        ok: false,
        code: 'invalid',
        reason: refusal('v1.Withdrawn', 'insufficient funds in c: 2 < 3'),
      },
    ])
    expect(await first.stop('SIGTERM')).toBe(0)
    const second = await spawnServer(args)
    procs.push(second)
    const b = await open(second, 'team:cli', 'b')
    expect(
      await push(b, 1, [
        ev('b', 1, 'v1.Withdrawn', { id: 'c', amount: 3 }),
        ev('b', 2, 'v1.Withdrawn', { id: 'c', amount: 2 }),
      ]),
    ).toEqual([
      {
        seq: 1,
        ok: false,
        code: 'invalid',
        reason: refusal('v1.Withdrawn', 'insufficient funds in c: 2 < 3'),
      },
      { seq: 2, ok: true, gseq: 3 },
    ])
  })

  it('--no-dry-run: payloads are still checked, materializers are not run', async () => {
    const server = await spawnServer([
      '--db',
      joinPath(dir, 'cli-no-dry-run.db'),
      '--schema',
      'packages/server/test/accounts.ts',
      '--no-dry-run',
    ])
    cleanups.push(() => void server.stop('SIGKILL'))
    const a = await open(server, 'team:nodry', 'a')
    expect(
      await push(a, 1, [
        ev('a', 1, 'v1.Withdrawn', { id: 'nowhere', amount: 3 }),
        ev('a', 2, 'v1.Withdrawn', { id: 'nowhere', amount: -1 }),
      ]),
    ).toEqual([
      { seq: 1, ok: true, gseq: 1 },
      expect.objectContaining({ seq: 2, ok: false, code: 'invalid' }),
    ])
    expect(await server.stop('SIGTERM')).toBe(0)
  })
})

describe('the dry run judges what the log will hold', () => {
  it('a number that overflowed to Infinity is judged as the null the log stores and clients receive', async () => {
    const readings = table('readings', { id: Column.text({ primaryKey: true }), value: Column.real() })
    const measured = Events.synced({
      name: 'v1.Measured',
      schema: z.object({ id: z.string(), value: z.unknown() }),
    })
    const readingSchema = makeSchema({
      events: { measured },
      tables: { readings },
      materializers: {
        'v1.Measured': ({ id, value }, db) => {
          if (typeof value !== 'number') throw new Error(`reading ${id} is not a number`)
          db.insert(readings, { id, value })
        },
      },
    })
    const server = await startSyncServer({
      port: 0,
      db: ':memory:',
      logger: silentLogger,
      schema: readingSchema,
    })
    try {
      // 1e400 parses to Infinity; the log stores JSON text, where it is null
      const body =
        '{"clientId":"c","events":[{"name":"v1.Measured","args":{"id":"r1","value":1e400},"clientId":"c","seq":1}]}'
      const ack = (await (
        await fetch(`${server.url}/v1/stores/s/push`, { method: 'POST', body })
      ).json()) as {
        results: AckResult[]
      }
      expect(ack.results[0]).toMatchObject({ ok: false, code: 'invalid' })
      expect(await server.storage.head('s')).toBe(0)
    } finally {
      await server.close()
    }
  })
})
