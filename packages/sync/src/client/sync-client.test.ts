// Unit test of the sync processor alone: a scripted protocol peer (real `ws` server whose
// frames the test writes by hand) and an in-memory stand-in for the store seam, so every
// branch (status transitions, rejections, bad frames, close codes) is driven exactly.
// End-to-end behaviour against the real @strata/server and store lives in
// `test/*.test.ts`.
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { type WebSocket, WebSocketServer } from 'ws'
import { SyncConfigError, SyncConnectionError, SyncEventTooLargeError, SyncServerError } from '../errors.js'
import type { ConfirmedEvent, ServerMessage } from '../protocol/index.js'
import type { StoreSyncSeam, SyncEventRecord } from './store-seam.js'
import { createSyncClient, type SyncClient, type SyncRejection } from './sync-client.js'
import type { LockManagerLike } from './tab-leader.js'
import { webSocketTransport } from './websocket-transport.js'

type Frame = Record<string, unknown> & { t: string }

function memoryStore(clientId = 'c1', storeId = 's1') {
  let seq = 0
  let pending: SyncEventRecord[] = []
  const confirmed: ConfirmedEvent[] = []
  const listeners = new Set<() => void>()
  const rejected: Array<{ seq: number; reason: string }> = []
  const syncState: StoreSyncSeam = {
    clientId,
    pending: () => pending,
    confirmedHead: () => confirmed[confirmed.length - 1]?.gseq ?? 0,
    applyUpstream(events) {
      for (const e of events) {
        confirmed.push(e)
        pending = pending.filter((p) => !(p.clientId === e.clientId && p.seq === e.seq))
      }
    },
    reject(s, reason) {
      rejected.push({ seq: s, reason })
      pending = pending.filter((p) => p.seq !== s)
    },
    onPending(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
  }
  return {
    storeId,
    sync: syncState,
    confirmed,
    rejected,
    /** `notify: false`: another tab wrote the shared log (this store's listeners do not hear it). */
    commit(name: string, args: unknown, notify = true) {
      pending = [...pending, { name, args, clientId, seq: ++seq }]
      if (notify) for (const fn of listeners) fn()
    },
  }
}

interface Peer {
  frames: Frame[]
  send(m: ServerMessage | Record<string, unknown> | string): void
  socket: WebSocket
}

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function scriptedServer(options: { maxPayload?: number } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options })
  await new Promise((r) => wss.once('listening', r))
  const peers: Peer[] = []
  wss.on('connection', (socket) => {
    const peer: Peer = {
      frames: [],
      socket,
      send: (m) => socket.send(typeof m === 'string' ? m : JSON.stringify(m)),
    }
    socket.on('message', (d) => peer.frames.push(JSON.parse(String(d)) as Frame))
    socket.on('error', () => {}) // e.g. a frame over maxPayload: ws closes the socket with 1009
    peers.push(peer)
  })
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate()
    return new Promise((r) => wss.close(r))
  })
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/sync`, peers, wss }
}

const until = async (cond: () => boolean, what = 'condition') => {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

function track(client: SyncClient) {
  cleanups.push(() => client.dispose())
  return client
}

const fastBackoff = { initialDelayMs: 10, maxDelayMs: 50 }
const confirmedOf = (e: SyncEventRecord, gseq: number): ConfirmedEvent => ({ ...e, gseq }) as ConfirmedEvent

describe('createSyncClient against a scripted peer', () => {
  it('says hello with cursor, client id and a fresh token, and goes online on welcome', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    let tokens = 0
    const client = track(
      createSyncClient({ store, url, getToken: () => `t${++tokens}`, backoff: fastBackoff }),
    )
    expect(client.status.online.get()).toBe(false)
    await until(() => peers[0]?.frames.length === 1, 'hello')
    expect(peers[0]!.frames[0]).toEqual({
      t: 'hello',
      v: 1,
      storeId: 's1',
      clientId: 'c1',
      cursor: 0,
      token: 't1',
    })
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => client.status.online.get(), 'online')
    expect(client.status.all.get()).toMatchObject({
      online: true,
      syncing: false,
      pendingCount: 0,
      error: null,
    })
    expect(client.status.lastSyncedAt.get()).toEqual(expect.any(Number))
  })

  it('pushes pending events in batches, from lastSeq+1, and is synced once they stream back', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    for (let i = 0; i < 5; i++) store.commit('v1.Add', { i })
    const client = track(createSyncClient({ store, url, batchSize: 2, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    const seen: string[] = []
    const off = client.status.all.subscribe((s) => seen.push(`${s.online}/${s.syncing}/${s.pendingCount}`))
    // The server already processed seq 1 (its ack was lost) and it is confirmed at gseq 1.
    const all = store.sync.pending()
    peers[0]!.send({ t: 'welcome', v: 1, head: 1, lastSeq: 1 })
    // Seq 1 is pending and at or below lastSeq: until the client has caught up it cannot
    // tell a re-push from a seq the server gave another event of ours (a restored store
    // file, decision 0065), so it pushes nothing yet.
    await new Promise((r) => setTimeout(r, 100))
    expect(peers[0]!.frames).toHaveLength(1)
    peers[0]!.send({ t: 'events', events: [confirmedOf(all[0]!, 1)], head: 1 })
    await until(() => peers[0]!.frames.length === 3, 'two pushes')
    const pushes = peers[0]!.frames.slice(1)
    expect(pushes.map((p) => (p.events as SyncEventRecord[]).map((e) => e.seq))).toEqual([
      [2, 3],
      [4, 5],
    ])
    peers[0]!.send({
      t: 'events',
      events: all.slice(1).map((e, i) => confirmedOf(e, i + 2)),
      head: 5,
    })
    peers[0]!.send({
      t: 'ack',
      id: pushes[0]!.id as number,
      lastSeq: 3,
      results: [
        { seq: 2, ok: true, gseq: 2 },
        { seq: 3, ok: true, gseq: 3 },
      ],
    })
    peers[0]!.send({
      t: 'ack',
      id: pushes[1]!.id as number,
      lastSeq: 5,
      results: [
        { seq: 4, ok: true, gseq: 4 },
        { seq: 5, ok: true, gseq: 5 },
      ],
    })
    await client.whenSynced({ timeoutMs: 10_000 })
    off()
    expect(store.confirmed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(seen[0]).toBe('false/false/5')
    expect(seen).toContain('true/true/5')
    expect(seen[seen.length - 1]).toBe('true/false/0')
  })

  it('holds pushes until caught up while a pending event is not listed yet (not durable: its seq is unknown)', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    store.commit('v1.Add', { i: 0 })
    // one more event committed whose write has not landed (a browser store): counted only
    store.sync.pendingCount = () => store.sync.pending().length + 1
    track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send({ t: 'welcome', v: 1, head: 2, lastSeq: 0 })
    await new Promise((r) => setTimeout(r, 100))
    expect(peers[0]!.frames).toHaveLength(1)
    const other = (gseq: number): ConfirmedEvent =>
      ({ name: 'v1.Add', args: {}, clientId: 'c2', seq: gseq, gseq }) as ConfirmedEvent
    peers[0]!.send({ t: 'events', events: [other(1), other(2)], head: 2 })
    await until(() => peers[0]!.frames.length === 2, 'the push once caught up')
    expect((peers[0]!.frames[1]!.events as SyncEventRecord[]).map((e) => e.seq)).toEqual([1])
  })

  it('tells the store when the catch-up is complete (or not needed), before pushing what it held', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    store.commit('v1.Add', { i: 0 })
    const calls: number[] = []
    // a store that renumbers its pending events at or below the welcome's lastSeq
    const renumbering = (to: number) => () => {
      calls.push(peers.at(-1)!.frames.length)
      for (const e of store.sync.pending()) (e as { seq: number }).seq = to
    }
    store.sync.caughtUp = renumbering(3)
    track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send({ t: 'welcome', v: 1, head: 2, lastSeq: 2 })
    await new Promise((r) => setTimeout(r, 100))
    expect(calls).toEqual([]) // still catching up: nothing pushed, no call
    expect(peers[0]!.frames).toHaveLength(1)
    const other = (gseq: number): ConfirmedEvent =>
      ({ name: 'v1.Add', args: {}, clientId: 'c2', seq: gseq, gseq }) as ConfirmedEvent
    peers[0]!.send({ t: 'events', events: [other(1), other(2)], head: 2 })
    await until(() => peers[0]!.frames.length === 2, 'the push once caught up')
    expect(calls).toEqual([1]) // called before the push
    expect((peers[0]!.frames[1]!.events as SyncEventRecord[]).map((e) => e.seq)).toEqual([3])

    // Next session: nothing to catch up, a pending seq at or below lastSeq: called at welcome.
    store.sync.caughtUp = renumbering(5)
    peers[0]!.socket.terminate()
    await until(() => peers[1]?.frames.length === 1, 'hello again')
    peers[1]!.send({ t: 'welcome', v: 1, head: 2, lastSeq: 4 })
    await until(() => peers[1]!.frames.length === 2, 'the push of the renumbered event')
    expect(calls).toEqual([1, 1])
    expect((peers[1]!.frames[1]!.events as SyncEventRecord[]).map((e) => e.seq)).toEqual([5])
  })

  it('removes a refused event, tells the app with a typed rejection, and keeps the rest', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    const rejections: SyncRejection[] = []
    client.onRejection((r) => rejections.push(r))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => client.status.online.get())
    store.commit('v1.Add', { ok: 1 })
    store.commit('v1.Bad', { title: 5 })
    store.commit('v1.Add', { ok: 3 })
    await until(() => peers[0]!.frames.length === 2, 'push')
    const push = peers[0]!.frames[1]!
    expect((push.events as unknown[]).length).toBe(3)
    const [e1, , e3] = store.sync.pending()
    peers[0]!.send({ t: 'events', events: [confirmedOf(e1!, 1), confirmedOf(e3!, 2)], head: 2 })
    peers[0]!.send({
      t: 'ack',
      id: push.id as number,
      lastSeq: 3,
      results: [
        { seq: 1, ok: true, gseq: 1 },
        { seq: 2, ok: false, code: 'invalid', reason: 'args.title: expected string' },
        { seq: 3, ok: true, gseq: 2 },
      ],
    })
    await client.whenSynced()
    expect(rejections).toHaveLength(1)
    expect(rejections[0]).toMatchObject({ code: 'invalid', reason: 'args.title: expected string' })
    expect(rejections[0]!.event).toMatchObject({ name: 'v1.Bad', seq: 2, args: { title: 5 } })
    expect(rejections[0]!.error.code).toBe('rejected')
    expect(store.rejected).toEqual([{ seq: 2, reason: 'args.title: expected string' }])
    expect(store.confirmed.map((e) => e.seq)).toEqual([1, 3])
  })

  it('learns the outcome of events refused while the ack was lost (re-push gets the recorded outcome)', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    store.commit('v1.Bad', {})
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    const rejections: SyncRejection[] = []
    client.onRejection((r) => rejections.push(r))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 1 })
    await until(() => peers[0]!.frames.length === 2, 're-push of seq 1')
    const push = peers[0]!.frames[1]!
    expect((push.events as SyncEventRecord[]).map((e) => e.seq)).toEqual([1])
    peers[0]!.send({
      t: 'ack',
      id: push.id as number,
      lastSeq: 1,
      results: [{ seq: 1, ok: false, code: 'forbidden', reason: 'read-only', duplicate: true }],
    })
    await client.whenSynced()
    expect(rejections.map((r) => r.code)).toEqual(['forbidden'])
  })

  it('re-pushes from ack.lastSeq+1 after a gap', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => client.status.online.get())
    store.commit('v1.A', {})
    store.commit('v1.A', {})
    await until(() => peers[0]!.frames.length === 2)
    peers[0]!.send({
      t: 'ack',
      id: peers[0]!.frames[1]!.id as number,
      lastSeq: 0,
      results: [
        { seq: 1, ok: false, code: 'gap', reason: 'expected seq 1' },
        { seq: 2, ok: false, code: 'gap', reason: 'expected seq 1' },
      ],
    })
    await until(() => peers[0]!.frames.length === 3, 're-push')
    expect((peers[0]!.frames[2]!.events as SyncEventRecord[]).map((e) => e.seq)).toEqual([1, 2])
    expect(store.rejected).toEqual([])
  })

  it('reports a connection loss as SyncConnectionError, reconnects with backoff, and clears the error', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => client.status.online.get())
    peers[0]!.socket.terminate()
    await until(() => !client.status.online.get(), 'offline')
    expect(client.status.error.get()).toBeInstanceOf(SyncConnectionError)
    store.commit('v1.Offline', {})
    expect(client.status.pendingCount.get()).toBe(1)
    await until(() => peers[1]?.frames.length === 1, 'second hello')
    peers[1]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => peers[1]!.frames.length === 2, 'push after reconnect')
    expect(client.status.error.get()).toBeNull()
    expect((peers[1]!.frames[1]!.events as SyncEventRecord[])[0]!.name).toBe('v1.Offline')
  })

  it('treats an unreadable server frame as an error and starts a clean session', async () => {
    const { url, peers } = await scriptedServer()
    const client = track(createSyncClient({ store: memoryStore(), url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send('{"t":"welcome","v":1}')
    await until(() => peers.length === 2, 'reconnect')
    const err = client.status.error.get()
    expect(err).toBeInstanceOf(SyncServerError)
    expect((err as SyncServerError).serverCode).toBe('bad_field')
  })

  it('refuses events that skip a gseq and resyncs from its cursor', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 3, lastSeq: 0 })
    peers[0]!.send({
      t: 'events',
      events: [{ name: 'v1.X', args: null, clientId: 'o', seq: 1, gseq: 3 }],
      head: 3,
    })
    await until(() => peers.length === 2, 'reconnect')
    expect(store.confirmed).toEqual([])
    expect((client.status.error.get() as SyncServerError).message).toMatch(/expected gseq 1, got 3/)
    expect(peers[1]!.frames.length === 0 || peers[1]!.frames[0]!.cursor === 0).toBe(true)
  })

  it('applies catch-up pages in chunks, and a drop mid catch-up loses nothing', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const calls: number[] = []
    const apply = store.sync.applyUpstream
    store.sync.applyUpstream = (events) => {
      calls.push(events.length)
      apply(events)
    }
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    const page = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: 'v1.X',
        args: null,
        clientId: 'o',
        seq: from + i,
        gseq: from + i,
      }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 6000, lastSeq: 0 })
    peers[0]!.send({ t: 'events', events: page(1, 2000), head: 6000, more: true })
    peers[0]!.send({ t: 'events', events: page(2001, 2000), head: 6000, more: true })
    await new Promise((r) => setTimeout(r, 50))
    expect(calls).toEqual([]) // held, not applied
    peers[0]!.socket.terminate() // the session dies mid catch-up
    await until(() => peers[1]?.frames.length === 1, 'second hello')
    expect(peers[1]!.frames[0]).toMatchObject({ t: 'hello', cursor: 0 })
    peers[1]!.send({ t: 'welcome', v: 1, head: 6000, lastSeq: 0 })
    for (let p = 0; p < 3; p++) {
      peers[1]!.send({
        t: 'events',
        events: page(1 + p * 2000, 2000),
        head: 6000,
        ...(p < 2 ? { more: true } : {}),
      })
    }
    await client.whenSynced()
    expect(calls).toEqual([6000])
    expect(store.confirmed.map((e) => e.gseq)).toEqual(page(1, 6000).map((e) => e.gseq))
  })

  it('stops retrying after a forbidden close (4403) and reports the server error', async () => {
    const { url, peers } = await scriptedServer()
    const client = track(createSyncClient({ store: memoryStore(), url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'error', code: 'forbidden', message: 'no read access to s1', fatal: true })
    peers[0]!.socket.close(4403, 'forbidden')
    await until(() => client.status.error.get() !== null)
    await new Promise((r) => setTimeout(r, 200))
    expect(peers).toHaveLength(1)
    const err = client.status.error.get() as SyncServerError
    expect(err).toBeInstanceOf(SyncServerError)
    expect(err.serverCode).toBe('forbidden')
  })

  it('stops retrying when its client id is bound to another user (client_id_taken, 4410)', async () => {
    const { url, peers } = await scriptedServer()
    const client = track(createSyncClient({ store: memoryStore(), url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({
      t: 'error',
      code: 'client_id_taken',
      message: 'client id c1 is bound to another user on s1',
      fatal: true,
    })
    peers[0]!.socket.close(4410, 'client_id_taken')
    await until(() => client.status.error.get() !== null)
    await new Promise((r) => setTimeout(r, 200))
    expect(peers).toHaveLength(1) // pushing again under that id cannot succeed: no retry
    const err = client.status.error.get() as SyncServerError
    expect(err).toBeInstanceOf(SyncServerError)
    expect(err.serverCode).toBe('client_id_taken')
    expect(err.fatal).toBe(true)
  })

  it('pings, and drops a silent connection after two heartbeat intervals', async () => {
    const { url, peers } = await scriptedServer()
    const client = track(
      createSyncClient({ store: memoryStore(), url, heartbeatMs: 40, backoff: fastBackoff }),
    )
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => peers[0]!.frames.some((f) => f.t === 'ping'), 'ping')
    // The peer never answers: the client gives up on it and reconnects.
    await until(() => peers.length === 2, 'reconnect after silence')
    expect((client.status.error.get() as SyncConnectionError | null)?.code).toBe('connection')
  })

  it('stop() goes offline and keeps commits pending; start() resumes', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => client.status.online.get())
    client.stop()
    expect(client.status.online.get()).toBe(false)
    store.commit('v1.A', {})
    expect(client.status.pendingCount.get()).toBe(1)
    await new Promise((r) => setTimeout(r, 50))
    expect(peers[0]!.frames).toHaveLength(1)
    client.start()
    await until(() => peers[1]?.frames.length === 1)
    peers[1]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => peers[1]!.frames.length === 2)
    expect(peers[1]!.frames[1]!.t).toBe('push')
  })
})

describe('createSyncClient: a frame the server dropped unread', () => {
  it('a rate_limited error without an id while a push is in flight starts a new session that re-pushes', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    store.commit('v1.A', {})
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => peers[0]!.frames.some((f) => f.t === 'push'), 'the push')
    // the server's bucket was empty: it dropped that push without reading it
    peers[0]!.send({ t: 'error', code: 'rate_limited', message: 'too many frames; this one was dropped' })
    await until(() => peers[1]?.frames.length === 1, 'a new session')
    peers[1]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => peers[1]!.frames.some((f) => f.t === 'push'), 'the push again')
    expect(client.status.online.get()).toBe(true)
  })

  it('without pushes in flight (a dropped ping) the session stays', async () => {
    const { url, peers } = await scriptedServer()
    const client = track(createSyncClient({ store: memoryStore(), url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => client.status.online.get(), 'online')
    peers[0]!.send({ t: 'error', code: 'rate_limited', message: 'too many frames; this one was dropped' })
    await new Promise((r) => setTimeout(r, 200))
    expect(peers).toHaveLength(1)
    expect(client.status.online.get()).toBe(true)
  })
})

describe('createSyncClient: pushes too large for the server', () => {
  const big = (store: ReturnType<typeof memoryStore>, n: number, bytes: number) => {
    for (let i = 0; i < n; i++) store.commit('v1.Big', { i, text: 'x'.repeat(bytes) })
  }
  const seqsOfPush = (f: Frame) => (f.events as SyncEventRecord[]).map((e) => e.seq)

  it("sizes push frames by bytes to the welcome's maxFrameBytes", async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    big(store, 10, 1000)
    track(createSyncClient({ store, url, backoff: fastBackoff, maxInFlight: 10 }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    const limit = 5000
    peers[0]!.send({
      t: 'welcome',
      v: 1,
      head: 0,
      lastSeq: 0,
      limits: { maxFrameBytes: limit, maxEventsPerPush: 1000 },
    })
    await until(() => peers[0]!.frames.slice(1).flatMap(seqsOfPush).length === 10, 'all pushed')
    const pushes = peers[0]!.frames.slice(1)
    expect(pushes.length).toBeGreaterThan(2)
    for (const p of pushes) expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(limit)
  })

  it('halves the batch again on every too-large refusal, across sessions', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    big(store, 8, 10)
    track(createSyncClient({ store, url, batchSize: 8, backoff: fastBackoff }))
    const sizes: number[] = []
    for (let n = 0; n < 3; n++) {
      await until(() => peers[n]?.frames.length === 1, `hello ${n}`)
      peers[n]!.send({
        t: 'welcome',
        v: 1,
        head: 0,
        lastSeq: 0,
        limits: { maxFrameBytes: 1 << 20, maxEventsPerPush: 1000 },
      })
      await until(() => peers[n]!.frames.length >= 2, `push ${n}`)
      const push = peers[n]!.frames[1]!
      sizes.push(seqsOfPush(push).length)
      if (n < 2)
        peers[n]!.send({ t: 'error', code: 'too_large', message: 'frame too large', id: push.id as number })
    }
    expect(sizes).toEqual([8, 4, 2])
  })

  it('treats a socket closed with 1009 (payload limit) as a push too large: halves and retries', async () => {
    // The server's socket closes with 1009 when a frame exceeds its payload limit; it says
    // nothing else (it announced a larger limit, or none).
    const { url, peers } = await scriptedServer({ maxPayload: 3000 })
    const store = memoryStore()
    big(store, 8, 500)
    const client = track(createSyncClient({ store, url, batchSize: 8, backoff: fastBackoff }))
    const served = new Set<Peer>()
    await until(() => {
      for (const p of peers) {
        if (served.has(p) || p.frames.length === 0) continue
        served.add(p)
        p.send({ t: 'welcome', v: 1, head: store.confirmed.length, lastSeq: store.confirmed.length })
      }
      // confirm whatever arrives
      for (const p of peers)
        for (const f of p.frames.splice(1)) {
          if (f.t !== 'push') continue
          const evs = f.events as SyncEventRecord[]
          p.send({
            t: 'events',
            events: evs.map((e, i) => confirmedOf(e, store.confirmed.length + i + 1)),
            head: store.confirmed.length + evs.length,
          })
          p.send({
            t: 'ack',
            id: f.id as number,
            lastSeq: evs.at(-1)!.seq,
            results: evs.map((e, i) => ({ seq: e.seq, ok: true, gseq: store.confirmed.length + i + 1 })),
          })
        }
      return client.status.pendingCount.get() === 0
    }, 'everything pushed despite the 1009 closes')
    expect(store.confirmed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })
})

describe('createSyncClient: reconnecting', () => {
  it('backs off more and more when every session fails after its welcome', async () => {
    const { url, peers, wss } = await scriptedServer()
    const store = memoryStore()
    store.sync.applyUpstream = () => {
      throw new Error('unknown event v9.Future')
    }
    const hellos: number[] = []
    wss.on('connection', (socket) => {
      socket.on('message', () => {
        hellos.push(Date.now())
        socket.send(JSON.stringify({ t: 'welcome', v: 1, head: 1, lastSeq: 0 }))
        socket.send(
          JSON.stringify({
            t: 'events',
            events: [{ name: 'v9.Future', args: null, clientId: 'o', seq: 1, gseq: 1 }],
            head: 1,
          }),
        )
      })
    })
    const client = track(
      createSyncClient({ store, url, backoff: { initialDelayMs: 10, maxDelayMs: 2000, jitter: 0 } }),
    )
    await until(() => hellos.length >= 6, 'six sessions')
    expect(client.status.error.get()?.code).toBe('apply')
    // 10, 20, 40, 80, 160 ms: not 10 ms forever
    expect(hellos[5]! - hellos[4]!).toBeGreaterThanOrEqual(120)
    expect(peers.length).toBeLessThan(10)
  })

  it('reports a WebSocket constructor that throws as a connection error and retries, never throws', async () => {
    let tries = 0
    class Refusing {
      constructor() {
        tries++
        throw new Error('blocked by CSP')
      }
    }
    let client: SyncClient | undefined
    expect(() => {
      client = track(
        createSyncClient({
          store: memoryStore(),
          transport: webSocketTransport({ url: 'ws://127.0.0.1:9/v1/sync', WebSocket: Refusing as never }),
          backoff: fastBackoff,
        }),
      )
    }).not.toThrow()
    const err = client!.status.error.get()
    expect(err).toBeInstanceOf(SyncConnectionError)
    expect(err?.message).toMatch(/blocked by CSP/)
    await until(() => tries >= 3, 'retries')
  })
})

describe('createSyncClient: heartbeats', () => {
  it("clamps a huge welcome.heartbeatMs (no ping flood) and uses the server's interval at once", async () => {
    const { url, peers } = await scriptedServer()
    track(createSyncClient({ store: memoryStore(), url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0, heartbeatMs: 2 ** 31 })
    await new Promise((r) => setTimeout(r, 300))
    expect(peers[0]!.frames.filter((f) => f.t === 'ping')).toHaveLength(0)
    expect(peers).toHaveLength(1)

    // A short interval applies to this session now, not after the default 15 s.
    peers[0]!.socket.terminate()
    await until(() => peers[1]?.frames.length === 1, 'second hello')
    peers[1]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0, heartbeatMs: 1000 })
    await until(() => peers[1]!.frames.some((f) => f.t === 'ping'), 'a ping within the announced interval')
  })
})

/** An exclusive lock for this test only (Node has no Web Locks): the first asker holds it, the rest queue. */
function oneLock(): LockManagerLike {
  let held = false
  const queue: Array<() => void> = []
  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          held = true
          callback({ name }).then((v) => {
            held = false
            queue.shift()?.()
            resolve(v)
          }, reject)
        }
        if (!held) return grant()
        queue.push(grant)
        options.signal?.addEventListener('abort', () => {
          const i = queue.indexOf(grant)
          if (i >= 0) queue.splice(i, 1)
          reject(new Error('AbortError'))
        })
      })
    },
  }
}

describe('createSyncClient across tabs', () => {
  it("a follower's commit is counted as pending in both tabs until it is pushed", async () => {
    const locks = oneLock()
    const store = memoryStore()
    const followerListeners = new Set<() => void>()
    const followerStore = {
      storeId: store.storeId,
      sync: {
        ...store.sync,
        onPending(fn: () => void) {
          followerListeners.add(fn)
          return () => followerListeners.delete(fn)
        },
      },
    }
    // The leader has no server to reach (offline): the commit stays pending.
    const transport = { kind: 'test', url: 'test://', connect: () => ({ send() {}, close() {} }) }
    const leader = track(createSyncClient({ store, transport, locks, storeId: 's1' }))
    await until(() => leader.leading, 'leader')
    const follower = track(createSyncClient({ store: followerStore, transport, locks, storeId: 's1' }))
    await new Promise((r) => setTimeout(r, 50))
    expect(follower.leading).toBe(false)
    store.commit('v1.A', {}, false) // the follower's commit, into the shared log
    for (const fn of followerListeners) fn()
    await until(() => leader.status.pendingCount.get() === 1, 'the leader counts it')
    await new Promise((r) => setTimeout(r, 100))
    expect(leader.status.pendingCount.get()).toBe(1)
    expect(follower.status.pendingCount.get()).toBe(1)
  })
})

describe('createSyncClient across tabs: a leader that stops', () => {
  it('tells the followers it is offline before it lets go', async () => {
    const { url, peers } = await scriptedServer()
    const locks = oneLock()
    const store = memoryStore()
    const leader = track(createSyncClient({ store, url, locks, storeId: 's-stop', backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => leader.status.online.get(), 'leader online')
    const other = memoryStore()
    // a tab whose lock request is still waiting (it does not take over at once)
    const waiting: LockManagerLike = { request: () => new Promise(() => undefined) }
    const follower = track(
      createSyncClient({ store: other, url, locks: waiting, storeId: 's-stop', backoff: fastBackoff }),
    )
    await until(() => follower.status.online.get(), 'the follower mirrors online')
    leader.stop()
    await until(() => !follower.status.online.get(), 'the follower hears the leader went offline')
    expect(follower.status.syncing.get()).toBe(false)
  })
})

describe('createSyncClient when the local store fails', () => {
  it('stops quietly when the app closed the store under it', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => client.status.online.get())
    const closed = Object.assign(new Error('Store "s1" is closed'), { code: 'store_closed' })
    store.sync.applyUpstream = () => {
      throw closed
    }
    peers[0]!.send({
      t: 'events',
      events: [{ name: 'v1.X', args: null, clientId: 'o', seq: 1, gseq: 1 }],
      head: 1,
    })
    await until(() => !client.status.online.get(), 'offline')
    await new Promise((r) => setTimeout(r, 100))
    expect(peers).toHaveLength(1) // no reconnect
    expect(client.status.error.get()).toBeNull()
  })

  it('reports any other store failure and restarts the session', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1)
    const original = store.sync.pending
    let fail = true
    store.sync.pending = () => {
      if (fail) {
        fail = false
        throw new Error('disk I/O error')
      }
      return original()
    }
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => peers.length === 2, 'a new session')
    expect(client.status.error.get()?.code).toBe('store')
    expect(client.status.error.get()?.message).toMatch(/disk I\/O error/)
  })
})

describe('createSyncClient options', () => {
  const store = memoryStore()
  it.each([
    ['url', 'an ftp URL', { store, url: 'ftp://x' }],
    ['url', 'no url', { store }],
    ['batchSize', 'batchSize 0', { store, url: 'ws://x', batchSize: 0 }],
    ['maxInFlight', 'maxInFlight -1', { store, url: 'ws://x', maxInFlight: -1 }],
    ['heartbeatMs', 'heartbeatMs 0', { store, url: 'ws://x', heartbeatMs: 0 }],
    ['backoff.jitter', 'jitter 3', { store, url: 'ws://x', backoff: { jitter: 3 } }],
    ['storeId', 'no store id', { store: { sync: store.sync }, url: 'ws://x' }],
    ['store', 'no seam', { store: {} as never, url: 'ws://x' }],
    [
      'store',
      'a broken seam',
      { store: { storeId: 's', sync: { ...store.sync, reject: 1 } } as never, url: 'ws://x' },
    ],
  ])('refuses %s (%s) with a SyncConfigError, opening nothing', (option, _what, opts) => {
    let caught: unknown
    try {
      createSyncClient({ ...opts, autoStart: false } as never)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(SyncConfigError)
    expect((caught as SyncConfigError).option).toBe(option)
  })
})

describe('createSyncClient: one event too large for the frame limit', () => {
  const seqsOf = (p: Peer) =>
    p.frames.filter((f) => f.t === 'push').flatMap((f) => (f.events as SyncEventRecord[]).map((e) => e.seq))
  const welcome = (maxFrameBytes?: number) => ({
    t: 'welcome' as const,
    v: 1 as const,
    head: 0,
    lastSeq: 0,
    ...(maxFrameBytes ? { limits: { maxFrameBytes, maxEventsPerPush: 1000 } } : {}),
  })
  const ackAll = (p: Peer, from = 0) => {
    for (const f of p.frames.slice(from)) {
      if (f.t !== 'push') continue
      const evs = f.events as SyncEventRecord[]
      p.send({
        t: 'ack',
        id: f.id as number,
        lastSeq: evs.at(-1)!.seq,
        results: evs.map((e) => ({ seq: e.seq, ok: true, gseq: e.seq })),
      })
    }
  }

  it('does not send it: a typed error names it, the session stays (no reconnect loop), others still arrive', async () => {
    // The peer enforces its limit like the real server: a bigger frame closes the socket (1009).
    const { url, peers } = await scriptedServer({ maxPayload: 4000 })
    const store = memoryStore()
    store.commit('v1.Small', { i: 1 })
    store.commit('v1.Big', { text: 'x'.repeat(5000) })
    store.commit('v1.Small', { i: 3 })
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send(welcome(4000))
    await until(() => client.status.error.get() !== null, 'an error')
    const err = client.status.error.get()
    expect(err).toBeInstanceOf(SyncEventTooLargeError)
    expect(err).toMatchObject({ code: 'event_too_large', eventName: 'v1.Big', seq: 2, maxFrameBytes: 4000 })
    expect((err as SyncEventTooLargeError).bytes).toBeGreaterThan(5000)
    expect(err!.message).toMatch(/v1\.Big \(seq 2\).*4000/)
    expect(seqsOf(peers[0]!)).toEqual([1])
    ackAll(peers[0]!)
    // another client's event still arrives; a new commit is not pushed past the big one
    peers[0]!.send({
      t: 'events',
      events: [{ name: 'v1.Other', args: {}, clientId: 'c2', seq: 1, gseq: 1 }],
      head: 1,
    })
    await until(() => store.confirmed.length === 1, "the other client's event")
    store.commit('v1.Small', { i: 4 })
    await new Promise((r) => setTimeout(r, 300))
    expect(peers).toHaveLength(1)
    expect(seqsOf(peers[0]!)).toEqual([1])
    // seq 1 was acked but not streamed back: it is still pending, and counted
    expect(client.status.all.get()).toMatchObject({
      online: true,
      syncing: false,
      pendingCount: 4,
      error: err,
    })
  })

  it('pushes it and what follows once a new session announces a limit it fits', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    store.commit('v1.Big', { text: 'x'.repeat(5000) })
    store.commit('v1.Small', { i: 2 })
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello 1')
    peers[0]!.send(welcome(4000))
    await until(() => client.status.error.get() instanceof SyncEventTooLargeError, 'the error')
    // the same limit in the next session: still waiting, still named
    peers[0]!.socket.close(1001, 'shutting_down')
    await until(() => peers[1]?.frames.length === 1, 'hello 2')
    peers[1]!.send(welcome(4000))
    await until(() => client.status.online.get(), 'online 2')
    await new Promise((r) => setTimeout(r, 100))
    expect(client.status.error.get()).toBeInstanceOf(SyncEventTooLargeError)
    expect(seqsOf(peers[1]!)).toEqual([])
    // a server that takes larger frames
    peers[1]!.socket.close(1001, 'shutting_down')
    await until(() => peers[2]?.frames.length === 1, 'hello 3')
    peers[2]!.send(welcome(64 * 1024))
    await until(() => seqsOf(peers[2]!).length === 2, 'both pushed')
    expect(seqsOf(peers[2]!)).toEqual([1, 2])
    expect(client.status.error.get()).toBeNull()
    expect(client.status.syncing.get()).toBe(true)
  })

  it('without a limit in welcome (an older server) sends it as before; one that fits alone is sent too', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    store.commit('v1.Big', { text: 'x'.repeat(5000) })
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello 1')
    peers[0]!.send(welcome())
    await until(() => seqsOf(peers[0]!).length === 1, 'pushed without a limit')
    // over maxFrameBytes minus the 1 KiB batch allowance, yet it fits in a frame alone
    peers[0]!.socket.close(1001, 'shutting_down')
    await until(() => peers[1]?.frames.length === 1, 'hello 2')
    const frame = Buffer.byteLength(JSON.stringify(peers[0]!.frames[1]))
    peers[1]!.send(welcome(frame + 100))
    await until(() => seqsOf(peers[1]!).length === 1, 'pushed alone under a limit it fits')
    expect(client.status.error.get()).toBeNull()
  })

  /** A client whose one pending event (5000 bytes) is held back under a 4000-byte limit. */
  async function heldBack() {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    store.commit('v1.Big', { text: 'x'.repeat(5000) })
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send(welcome(4000))
    await until(() => client.status.error.get() instanceof SyncEventTooLargeError, 'the error')
    return { peers, store, client }
  }

  it('an error frame that replaces its error does not hide it: the next push brings it back', async () => {
    const { peers, store, client } = await heldBack()
    peers[0]!.send({ t: 'error', code: 'rate_limited', message: 'slow down' }) // no id, not fatal
    await until(() => client.status.error.get() instanceof SyncServerError, 'replaced')
    store.commit('v1.Small', { i: 2 }) // the next push attempt
    await until(() => client.status.error.get() instanceof SyncEventTooLargeError, 'restored')
  })

  it('stays not syncing when a commit queues behind it (no true/false flicker)', async () => {
    const { store, client } = await heldBack()
    const seen: boolean[] = []
    const off = client.status.syncing.listen((v) => seen.push(v))
    store.commit('v1.Small', { i: 2 })
    await new Promise((r) => setTimeout(r, 50))
    off()
    expect(seen).toEqual([])
    expect(client.status.syncing.get()).toBe(false)
  })

  it('is held back from the re-push of events the server already processed too (no 1009 redial loop)', async () => {
    const { url, peers } = await scriptedServer({ maxPayload: 4000 })
    const store = memoryStore()
    store.commit('v1.Big', { text: 'x'.repeat(5000) }) // seq 1, processed (refused) while the ack was lost
    const client = track(createSyncClient({ store, url, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send({ ...welcome(4000), lastSeq: 1 })
    await until(() => client.status.error.get() instanceof SyncEventTooLargeError, 'the error')
    await new Promise((r) => setTimeout(r, 300))
    expect(peers).toHaveLength(1)
    expect(seqsOf(peers[0]!)).toEqual([])
  })

  it('a follower tab gets the typed error with its fields, and is not re-notified by later posts', async () => {
    const { url, peers } = await scriptedServer()
    const locks = oneLock()
    const store = memoryStore()
    store.commit('v1.Big', { text: 'x'.repeat(5000) })
    const leader = track(createSyncClient({ store, url, locks, storeId: 's-big', backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello')
    peers[0]!.send(welcome(4000))
    await until(() => leader.status.error.get() instanceof SyncEventTooLargeError, 'the leader error')
    const waiting: LockManagerLike = { request: () => new Promise(() => undefined) }
    const follower = track(
      createSyncClient({ store: memoryStore(), url, locks: waiting, storeId: 's-big', backoff: fastBackoff }),
    )
    await until(() => follower.status.error.get() !== null, 'the follower mirrors the error')
    const err = follower.status.error.get()
    expect(err).toBeInstanceOf(SyncEventTooLargeError)
    expect(err).toMatchObject({ eventName: 'v1.Big', seq: 1, maxFrameBytes: 4000 })
    let notified = 0
    const off = follower.status.error.listen(() => notified++)
    store.commit('v1.Small', { i: 2 }) // the leader posts its status again
    await new Promise((r) => setTimeout(r, 100))
    off()
    expect(notified).toBe(0)
  })
})

describe('push batch size after a too-large refusal', () => {
  it('acked pushes grow the batch back within a long-lived session', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    for (let i = 0; i < 60; i++) store.commit('v1.E', { i })
    track(createSyncClient({ store, url, batchSize: 8, maxInFlight: 1, backoff: fastBackoff }))
    await until(() => peers[0]?.frames.length === 1, 'hello 1')
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    await until(() => peers[0]!.frames.length >= 2, 'push 1')
    peers[0]!.send({
      t: 'error',
      code: 'too_large',
      message: 'too large',
      id: peers[0]!.frames[1]!.id as number,
    })
    await until(() => peers[1]?.frames.length === 1, 'hello 2')
    peers[1]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0 })
    const sizes: number[] = []
    let seen = 1
    await until(() => {
      const fs = peers[1]!.frames
      while (seen < fs.length) {
        const f = fs[seen++]!
        if (f.t !== 'push') continue
        const evs = f.events as SyncEventRecord[]
        sizes.push(evs.length)
        peers[1]!.send({
          t: 'ack',
          id: f.id as number,
          lastSeq: evs.at(-1)!.seq,
          results: evs.map((e) => ({ seq: e.seq, ok: true, gseq: e.seq })),
        })
      }
      return sizes.reduce((a, b) => a + b, 0) >= 60
    }, 'all pushed')
    expect(sizes[0]).toBe(4)
    expect(Math.max(...sizes)).toBeGreaterThan(4)
  })
})

describe('push batch size when bytes, not the event count, cut the batch', () => {
  it('a too-large refusal halves the size that was refused, not the (much larger) event cap', async () => {
    const { url, peers } = await scriptedServer()
    const store = memoryStore()
    for (let i = 0; i < 60; i++) store.commit('v1.E', { i, text: 'x'.repeat(200) })
    track(createSyncClient({ store, url, maxInFlight: 1, backoff: fastBackoff }))
    const limits = { maxFrameBytes: 1024 + 4000, maxEventsPerPush: 1000 }
    await until(() => peers[0]?.frames.length === 1, 'hello 1')
    peers[0]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0, limits })
    await until(() => peers[0]!.frames.length >= 2, 'push 1')
    const first = (peers[0]!.frames[1]!.events as SyncEventRecord[]).length
    expect(first).toBeGreaterThan(4) // cut by bytes, far below the 500-event cap
    peers[0]!.send({
      t: 'error',
      code: 'too_large',
      message: 'too large',
      id: peers[0]!.frames[1]!.id as number,
    })
    await until(() => peers[1]?.frames.length === 1, 'hello 2')
    peers[1]!.send({ t: 'welcome', v: 1, head: 0, lastSeq: 0, limits })
    await until(() => peers[1]!.frames.length >= 2, 'push 2')
    expect((peers[1]!.frames[1]!.events as SyncEventRecord[]).length).toBe(Math.floor(first / 2))
  })
})
