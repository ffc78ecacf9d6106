// Client ids bound to users (decision 0043, its amendment "client ids are bound to users"), through a real server on
// each backend: a client id belongs to the user whose push first recorded something under
// it; another user's hello or push under it is refused whole (`client_id_taken`, close
// 4410, HTTP 409) and records nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { CLOSE_CODES, createSyncClient, httpTransport, SyncServerError } from '@strata/sync'
import { SignJWT } from 'jose'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { event, join, PG_URL, TestClient } from '../../test/harness.js'
import { silentLogger } from '../logger.js'
import { type SyncServer, type SyncServerOptions, startSyncServer } from '../server.js'

const SECRET = 'test-secret-at-least-32-bytes-long!!'
const token = (sub: string, role: 'writer' | 'reader') =>
  new SignJWT({ sub, role })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET))

const pgSchema = `strata_test_client_ids_${process.pid}_${Date.now().toString(36)}`
const dir = mkdtempSync(joinPath(tmpdir(), 'strata-client-ids-'))
const backends = [
  ['SQLite', joinPath(dir, 'client-ids.db')],
  ['Postgres', `${PG_URL}?schema=${pgSchema}`],
] as const

const servers: SyncServer[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(servers.splice(0).map((s) => s.close({ timeoutMs: 1000 })))
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`)
  await c.end()
})

describe.each(backends)('client ids bound to users (%s)', (_name, db) => {
  let n = 0
  /** A fresh store per test: the Postgres schema is shared by the tests of this file. */
  const storeId = () => `team:ids-${++n}-${Date.now().toString(36)}`

  async function start(options: SyncServerOptions = {}): Promise<SyncServer> {
    const s = await startSyncServer({
      port: 0,
      db,
      logger: silentLogger,
      jwt: { secret: SECRET },
      // every signed-in user reads; only writers write
      authorize: (user, _storeId, action) =>
        action === 'read' || user?.claims?.role === 'writer' ? true : { deny: `${user?.id} may only read` },
      ...options,
    })
    servers.push(s)
    return s
  }
  const open = async (s: SyncServer, store: string, clientId: string, jwt: string) => {
    const joined = await join(s.wsUrl, store, clientId, { token: jwt })
    clients.push(joined.c)
    return joined
  }
  const hello = async (s: SyncServer, store: string, clientId: string, jwt: string) => {
    const c = await TestClient.open(s.wsUrl)
    clients.push(c)
    c.send({ t: 'hello', v: 1, storeId: store, clientId, cursor: 0, token: jwt })
    return c
  }
  const httpPush = (s: SyncServer, store: string, clientId: string, seq: number, jwt: string) =>
    fetch(`${s.url}/v1/stores/${encodeURIComponent(store)}/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ clientId, events: [event(clientId, seq)] }),
    })
  const status = (s: SyncServer, store: string, clientId: string, jwt: string) =>
    fetch(`${s.url}/v1/stores/${encodeURIComponent(store)}/status?clientId=${clientId}`, {
      headers: { authorization: `Bearer ${jwt}` },
    })

  it("a reader cannot spend a writer's seqs under its client id; the writer's next events are accepted", async () => {
    const s = await start()
    const store = storeId()
    const [ada, eve] = [await token('ada', 'writer'), await token('eve', 'reader')]
    const writer = await open(s, store, 'w', ada)
    writer.c.send({ t: 'push', id: 1, events: [event('w', 1)] })
    expect((await writer.c.next('ack', (a) => a.id === 1)).results).toEqual([{ seq: 1, ok: true, gseq: 1 }])

    // over WebSocket: refused at hello, before the writer's lastSeq is handed out
    const ws = await hello(s, store, 'w', eve)
    expect(await ws.next('error')).toMatchObject({ code: 'client_id_taken', fatal: true })
    expect(await ws.closed).toEqual({ code: CLOSE_CODES.clientIdTaken, reason: 'client_id_taken' })
    expect(ws.inbox.some((m) => m.t === 'welcome')).toBe(false)
    // over HTTP: the push is refused whole (it used to record a `forbidden` under seq 2)
    const pushed = await httpPush(s, store, 'w', 2, eve)
    expect(pushed.status).toBe(409)
    const body = (await pushed.json()) as { t: string; code: string; message: string }
    expect(body).toMatchObject({ t: 'error', code: 'client_id_taken' })
    expect(body.message).not.toContain('ada') // the owner is not named
    expect((await status(s, store, 'w', eve)).status).toBe(409)
    expect(await s.storage.lastSeq(store, 'w')).toBe(1)

    writer.c.send({ t: 'push', id: 2, events: [event('w', 2), event('w', 3)] })
    expect((await writer.c.next('ack', (a) => a.id === 2)).results).toEqual([
      { seq: 2, ok: true, gseq: 2 },
      { seq: 3, ok: true, gseq: 3 },
    ])
    // eve's own client id works as before: her events are refused per event, under her id
    const own = await httpPush(s, store, 'e', 1, eve)
    expect(((await own.json()) as { results: unknown[] }).results).toEqual([
      { seq: 1, ok: false, code: 'forbidden', reason: 'eve may only read' },
    ])
  })

  it('a session opened before another user bound its client id is refused at its push, with nothing recorded', async () => {
    const s = await start()
    const store = storeId()
    const [ada, eve] = [await token('ada', 'writer'), await token('eve', 'reader')]
    const early = await open(s, store, 'x', eve) // not bound yet: welcome
    expect(early.welcome.lastSeq).toBe(0)
    const writer = await open(s, store, 'x', ada)
    writer.c.send({ t: 'push', id: 1, events: [event('x', 1)] })
    await writer.c.next('ack')
    early.c.send({ t: 'push', id: 1, events: [event('x', 2)] })
    expect(await early.c.next('error')).toMatchObject({ code: 'client_id_taken', fatal: true })
    expect((await early.c.closed).code).toBe(CLOSE_CODES.clientIdTaken)
    expect(early.c.inbox.some((m) => m.t === 'ack')).toBe(false)
    expect(await s.storage.lastSeq(store, 'x')).toBe(1)
    writer.c.send({ t: 'push', id: 2, events: [event('x', 2)] })
    expect((await writer.c.next('ack', (a) => a.id === 2)).results).toEqual([{ seq: 2, ok: true, gseq: 2 }])
  })

  it('a sync client over HTTP whose client id is taken reports the server code client_id_taken, not "HTTP 409"', async () => {
    const s = await start()
    const store = storeId()
    const [ada, eve] = [await token('ada', 'writer'), await token('eve', 'writer')]
    expect((await httpPush(s, store, 'w', 1, ada)).status).toBe(200)
    const client = createSyncClient({
      store: {
        storeId: store,
        sync: {
          clientId: 'w',
          pending: () => [],
          confirmedHead: () => 0,
          applyUpstream() {},
          reject() {},
          onPending: () => () => {},
        },
      },
      transport: httpTransport({ url: s.url }),
      getToken: () => eve,
    })
    try {
      for (let i = 0; i < 100 && !client.status.error.get(); i++) await new Promise((r) => setTimeout(r, 20))
      const err = client.status.error.get()
      expect(err).toBeInstanceOf(SyncServerError)
      expect((err as SyncServerError).serverCode).toBe('client_id_taken')
    } finally {
      client.dispose()
    }
  })

  it("a writer cannot push under another writer's client id; the owner reconnecting with it can", async () => {
    const s = await start()
    const store = storeId()
    const [ada, bob] = [await token('ada', 'writer'), await token('bob', 'writer')]
    const first = await open(s, store, 'w', ada)
    first.c.send({ t: 'push', id: 1, events: [event('w', 1)] })
    await first.c.next('ack')
    first.c.close()

    const ws = await hello(s, store, 'w', bob)
    expect((await ws.closed).code).toBe(CLOSE_CODES.clientIdTaken)
    const pushed = await httpPush(s, store, 'w', 2, bob)
    expect(pushed.status).toBe(409)
    expect(await s.storage.head(store)).toBe(1)

    const again = await open(s, store, 'w', ada)
    expect(again.welcome.lastSeq).toBe(1)
    again.c.send({ t: 'push', id: 1, events: [event('w', 2)] })
    expect((await again.c.next('ack')).results).toEqual([{ seq: 2, ok: true, gseq: 2 }])
    const http = await httpPush(s, store, 'w', 3, ada)
    expect(((await http.json()) as { results: unknown[] }).results).toEqual([{ seq: 3, ok: true, gseq: 3 }])
    expect((await status(s, store, 'w', ada)).status).toBe(200)
  })

  it('without authentication any connection may push under any client id, as before; nothing is bound', async () => {
    const s = await startSyncServer({ port: 0, db, logger: silentLogger })
    servers.push(s) // closed below (close is idempotent)
    const store = storeId()
    const one = await join(s.wsUrl, store, 'c')
    clients.push(one.c)
    one.c.send({ t: 'push', id: 1, events: [event('c', 1)] })
    await one.c.next('ack')
    const two = await join(s.wsUrl, store, 'c')
    clients.push(two.c)
    expect(two.welcome.lastSeq).toBe(1)
    two.c.send({ t: 'push', id: 1, events: [event('c', 2)] })
    expect((await two.c.next('ack')).results).toEqual([{ seq: 2, ok: true, gseq: 2 }])
    const http = await fetch(`${s.url}/v1/stores/${encodeURIComponent(store)}/push`, {
      method: 'POST',
      body: JSON.stringify({ clientId: 'c', events: [event('c', 3)] }),
    })
    expect(((await http.json()) as { results: unknown[] }).results).toEqual([{ seq: 3, ok: true, gseq: 3 }])
    one.c.close()
    two.c.close()
    await s.close({ timeoutMs: 1000 })

    // The same database with authentication turned on: the id is free, and the first
    // user whose push appends an accepted event under it binds it.
    const authed = await start()
    const [ada, eve] = [await token('ada', 'writer'), await token('eve', 'reader')]
    const refused = await httpPush(authed, store, 'c', 4, eve) // a refusal does not claim it
    expect(((await refused.json()) as { results: unknown[] }).results).toEqual([
      { seq: 4, ok: false, code: 'forbidden', reason: 'eve may only read' },
    ])
    const accepted = await httpPush(authed, store, 'c', 5, ada)
    expect(((await accepted.json()) as { results: unknown[] }).results).toEqual([
      { seq: 5, ok: true, gseq: 4 },
    ])
    expect((await httpPush(authed, store, 'c', 6, eve)).status).toBe(409)
  })
})
