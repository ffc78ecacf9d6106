// HTTP long-polling: `GET …/pull?cursor=N&wait=ms` is held until something past the
// cursor is committed (on this node, from any transport), the wait ends, the client
// goes away or the server shuts down — against a real server and real sockets.
import { connect } from 'node:net'
import { join as joinPath } from 'node:path'
import { describe, expect, it } from 'vitest'
import { event, join, localServers, waitFor } from '../test/harness.js'
import { ConfigError } from './errors.js'
import { silentLogger } from './logger.js'
import { type SyncServer, startSyncServer } from './server.js'
import { openStorage } from './storage/open.js'

const { dir, start, track } = localServers('strata-long-poll-')
const storeUrl = (s: SyncServer, storeId: string) => `${s.url}/v1/stores/${encodeURIComponent(storeId)}`
const health = async (s: SyncServer) =>
  (await (await fetch(`${s.url}/health`)).json()) as { connections: number }
const timed = async <T>(p: Promise<T>) => {
  const t0 = Date.now()
  const value = await p
  return { value, ms: Date.now() - t0 }
}
const metrics = async (s: SyncServer) => (await fetch(`${s.url}/metrics`)).text()
/** No hub subscriber and no waiting pull left, within 5 s (a parked pull holds both for its whole wait). */
const expectNothingParked = async (s: SyncServer) => {
  const settled = await timed(
    waitFor(
      async () =>
        (await health(s)).connections === 0 && /^strata_http_waiting_pulls 0$/m.test(await metrics(s)),
      'no parked pull',
      10_000,
    ),
  )
  expect(settled.ms).toBeLessThan(5_000)
}
type Page = { t: string; events: Array<{ gseq: number; clientId: string; seq: number }>; head: number }

describe('HTTP long-poll', () => {
  it('answers a waiting pull as soon as a WebSocket client commits, with the events', async () => {
    const s = await start()
    const ws = track((await join(s.wsUrl, 'team:lp', 'w')).c)
    const pull = timed(fetch(`${storeUrl(s, 'team:lp')}/pull?cursor=0&wait=20000`).then((r) => r.json()))
    // The pull is parked on the hub (one more subscriber than the WebSocket session).
    await waitFor(async () => (await health(s)).connections === 2, '2 hub subscribers')
    expect(await metrics(s)).toMatch(/^strata_http_waiting_pulls 1$/m)
    ws.send({ t: 'push', id: 1, events: [event('w', 1), event('w', 2)] })
    const { value, ms } = await pull
    expect(ms).toBeLessThan(5_000) // far below the 20 s wait: woken by the commit
    expect(value).toMatchObject({ t: 'events', head: 2 })
    expect((value as Page).events.map((e) => [e.clientId, e.seq, e.gseq])).toEqual([
      ['w', 1, 1],
      ['w', 2, 2],
    ])
    await waitFor(async () => (await health(s)).connections === 1, '1 hub subscribers') // the pull left the hub
    expect(await metrics(s)).toMatch(/^strata_http_waiting_pulls 0$/m)
  })

  it('answers at once when events are already there, and wakes on HTTP pushes too', async () => {
    const s = await start()
    const base = storeUrl(s, 'team:lp2')
    const push = (seq: number) =>
      fetch(`${base}/push`, {
        method: 'POST',
        body: JSON.stringify({ clientId: 'h', events: [event('h', seq)] }),
      })
    await push(1)
    const now = await timed(fetch(`${base}/pull?cursor=0&wait=20000`).then((r) => r.json()))
    expect(now.ms).toBeLessThan(2_000)
    expect((now.value as Page).events.map((e) => e.gseq)).toEqual([1])
    const later = timed(fetch(`${base}/pull?cursor=1&wait=20000`).then((r) => r.json()))
    await waitFor(async () => (await health(s)).connections === 1, '1 hub subscribers')
    await push(2)
    const { value, ms } = await later
    expect(ms).toBeLessThan(5_000)
    expect((value as Page).events.map((e) => e.gseq)).toEqual([2])
  })

  it('answers an empty page with the head when the wait ends, capped by maxPullWaitMs', async () => {
    const s = await start({ limits: { maxPullWaitMs: 300 } })
    const base = storeUrl(s, 'team:quiet')
    const status = await (await fetch(`${base}/status`)).json()
    expect(status.limits).toMatchObject({ maxPullWaitMs: 300 })
    // Asks for 60 s; the server holds it for its own maximum only.
    const { value, ms } = await timed(fetch(`${base}/pull?cursor=0&wait=60000`).then((r) => r.json()))
    expect(value).toEqual({ t: 'events', events: [], head: 0 })
    expect(ms).toBeGreaterThanOrEqual(250)
    expect(ms).toBeLessThan(5_000)
    expect((await health(s)).connections).toBe(0)
  })

  it('never holds a pull past the credentials expiry', async () => {
    const expiresAt = Date.now() + 400
    const s = await start({
      authenticate: ({ token }) => (token === 'short-lived' ? { id: 'ada', expiresAt } : null),
      authorize: () => true,
    })
    const pull = await timed(
      fetch(`${storeUrl(s, 'team:exp')}/pull?cursor=0&wait=20000`, {
        headers: { authorization: 'Bearer short-lived' },
      }).then((r) => r.json()),
    )
    expect(pull.value).toEqual({ t: 'events', events: [], head: 0 })
    expect(pull.ms).toBeLessThan(5_000) // answered at the expiry, not after 20 s
    // The next request with the same token is refused as expired.
    const again = await fetch(`${storeUrl(s, 'team:exp')}/pull?cursor=0&wait=20000`, {
      headers: { authorization: 'Bearer short-lived' },
    })
    expect(again.status).toBe(401)
    expect(await again.json()).toMatchObject({ code: 'token_expired' })
  })

  it('holds at most maxWaitingPullsPerAddress pulls per client address, answering the rest at once', async () => {
    const s = await start({ limits: { maxWaitingPullsPerAddress: 2 } })
    const url = `${storeUrl(s, 'team:cap')}/pull?cursor=0&wait=20000`
    const aborts = [new AbortController(), new AbortController()]
    const parked = aborts.map((a) => fetch(url, { signal: a.signal }).catch(() => undefined))
    await waitFor(async () => (await health(s)).connections === 2, '2 held pulls')
    const third = await timed(fetch(url).then((r) => r.json()))
    expect(third.value).toEqual({ t: 'events', events: [], head: 0 })
    expect(third.ms).toBeLessThan(2_000)
    for (const a of aborts) a.abort()
    await Promise.all(parked)
    await waitFor(async () => (await health(s)).connections === 0, 'released')
    // Freed slots are usable again.
    const again = timed(fetch(url).then((r) => r.json()))
    await waitFor(async () => (await health(s)).connections === 1, 'held again')
    await fetch(`${storeUrl(s, 'team:cap')}/push`, {
      method: 'POST',
      body: JSON.stringify({ clientId: 'h', events: [event('h', 1)] }),
    })
    expect(((await again).value as Page).events.map((e) => e.gseq)).toEqual([1])
  })

  it('answers every pull at once when the server turns long-polling off', async () => {
    const s = await start({ limits: { maxPullWaitMs: 0 } })
    const base = storeUrl(s, 'team:off')
    expect((await (await fetch(`${base}/status`)).json()).limits).toMatchObject({ maxPullWaitMs: 0 })
    const { value, ms } = await timed(fetch(`${base}/pull?cursor=0&wait=20000`).then((r) => r.json()))
    expect(value).toEqual({ t: 'events', events: [], head: 0 })
    expect(ms).toBeLessThan(2_000)
  })

  it.each(['-1', 'soon', '1.5', '99999999999999999'])('refuses wait=%s with 400 bad_field', async (wait) => {
    const s = await start()
    const r = await fetch(`${storeUrl(s, 'team:bad')}/pull?cursor=0&wait=${wait}`)
    expect(r.status).toBe(400)
    expect(await r.json()).toMatchObject({ t: 'error', code: 'bad_field' })
    expect((await health(s)).connections).toBe(0)
  })

  it('lets go of a pull whose client went away, and keeps serving', async () => {
    const s = await start()
    const base = storeUrl(s, 'team:gone')
    const abort = new AbortController()
    const pull = fetch(`${base}/pull?cursor=0&wait=20000`, { signal: abort.signal }).catch((e: unknown) => e)
    await waitFor(async () => (await health(s)).connections === 1, '1 hub subscribers')
    abort.abort()
    expect(await pull).toBeInstanceOf(Error)
    await waitFor(async () => (await health(s)).connections === 0, '0 hub subscribers')
    await fetch(`${base}/push`, {
      method: 'POST',
      body: JSON.stringify({ clientId: 'h', events: [event('h', 1)] }),
    })
    const page = (await (await fetch(`${base}/pull?cursor=0`)).json()) as Page
    expect(page.events.map((e) => e.gseq)).toEqual([1])
  })

  it('does not park a pull whose client went away during its first read', async () => {
    // The real SQLite storage, with its reads held at a gate: the client leaves while the
    // pull's first read is under way, before the server starts watching the socket.
    const real = await openStorage(joinPath(dir, 'slow-read.db'))
    let gate: (() => void) | undefined
    let reading = false
    const storage = Object.assign(Object.create(real) as typeof real, {
      async read(...args: Parameters<typeof real.read>) {
        reading = true
        await new Promise<void>((release) => {
          gate = release
        })
        return real.read(...args)
      },
    })
    const s = await start({ storage, limits: { maxPullWaitMs: 20_000 } })
    const abort = new AbortController()
    const pull = fetch(`${storeUrl(s, 'team:left')}/pull?cursor=0&wait=20000`, {
      signal: abort.signal,
    }).catch((e: unknown) => e)
    await waitFor(() => reading, 'the first read')
    abort.abort()
    expect(await pull).toBeInstanceOf(Error)
    await new Promise((r) => setTimeout(r, 100)) // the server sees the socket close
    gate?.()
    // Nothing is parked (before: a hub subscriber and a waiting pull for the whole 20 s).
    await expectNothingParked(s)
  })

  it('lets go of a pipelined pull queued behind another when the client goes away', async () => {
    // Two pulls written back to back on one connection (HTTP/1.1 pipelining): the second
    // one's response has no socket until the first is answered, so only the connection
    // tells that the client left (before: the second stayed parked for the whole wait).
    const s = await start({ limits: { maxPullWaitMs: 20_000 } })
    const { hostname, port } = new URL(s.url)
    const path = `/v1/stores/${encodeURIComponent('team:piped')}/pull?cursor=0&wait=20000`
    const socket = connect(Number(port), hostname)
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const request = `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`
    socket.write(request + request)
    await waitFor(async () => /^strata_http_waiting_pulls 2$/m.test(await metrics(s)), 'both pulls held')
    socket.destroy()
    await expectNothingParked(s)
  })

  it('answers waiting pulls at shutdown instead of holding the close', async () => {
    const s = await startSyncServer({ port: 0, db: joinPath(dir, 'shutdown.db'), logger: silentLogger })
    const base = storeUrl(s, 'team:bye')
    const pulls = [0, 1, 2].map(() => fetch(`${base}/pull?cursor=0&wait=20000`).then((r) => r.json()))
    await waitFor(async () => (await health(s)).connections === 3, '3 hub subscribers')
    const closed = await timed(s.close())
    expect(closed.ms).toBeLessThan(2_000)
    for (const page of await Promise.all(pulls)) expect(page).toEqual({ t: 'events', events: [], head: 0 })
  })

  it.each([
    ['maxPullWaitMs', -1],
    ['maxPullWaitMs', 1.5],
    ['maxPullLimit', 0],
    ['maxWaitingPullsPerAddress', 0],
    ['httpBurst', Number.NaN],
  ])('refuses limits.%s = %s with ConfigError bad_limit', async (key, value) => {
    const err = await startSyncServer({
      port: 0,
      db: ':memory:',
      logger: silentLogger,
      limits: { [key]: value },
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect(err).toMatchObject({ code: 'bad_limit' })
    expect((err as Error).message).toContain(`limits.${key}`)
  })
})
