// End to end with authentication (JWT HS256 on a real server process): an expiring token
// is replaced through getToken() on reconnect without losing anything; a forbidden store
// or a bad fixed token stops the client (no reconnect storm) while local data stays
// usable.
import { SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { SyncServerError, type Transport, webSocketTransport } from '../src/index.js'
import { cleanup, openDevice, startServerProcess, until } from './harness.js'
import { events, todos } from './todo-schema.js'

afterEach(cleanup)

const secret = 'e2e-secret-of-sufficient-length-0123456789'
const key = new TextEncoder().encode(secret)
const token = (sub: string, teams: string[], seconds: number) =>
  new SignJWT({ teams })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(key)

describe('auth through the client', () => {
  it('reconnects with a fresh token when the session token expires, losing nothing', async () => {
    const server = await startServerProcess({ jwtSecret: secret })
    let issued = 0
    const a = await openDevice(server.wsUrl, {
      getToken: () => {
        issued++
        // The first token lives 2 s; later ones an hour.
        return token('ada', ['e2e'], issued === 1 ? 2 : 3600)
      },
    })
    const b = await openDevice(server.wsUrl, { getToken: () => token('bob', ['e2e'], 3600) })
    a.store.commit(events.todoCreated({ id: 'before', title: 'x' }))
    await until(() => b.store.query(todos).length === 1, 'B sees the first todo')
    await until(() => issued >= 2, 'A to fetch a fresh token after expiry', 20_000)
    a.store.commit(events.todoCreated({ id: 'after', title: 'y' }))
    await until(() => b.store.query(todos).length === 2, 'B sees the todo committed after the refresh')
    await a.client.whenSynced()
    expect(a.client.status.error.get()).toBeNull()
  })

  it('stops on a forbidden store and keeps local data usable', async () => {
    const server = await startServerProcess({ jwtSecret: secret })
    let dials = 0
    const a = await openDevice(server.wsUrl, {
      getToken: () => {
        dials++
        return token('mallory', ['other-team'], 3600)
      },
    })
    await until(() => a.client.status.error.get() !== null, 'the refusal')
    const err = a.client.status.error.get()
    expect(err).toBeInstanceOf(SyncServerError)
    expect((err as SyncServerError).serverCode).toBe('forbidden')
    a.store.commit(events.todoCreated({ id: 'local', title: 'still works' }))
    expect(a.store.query(todos).map((t) => t.id)).toEqual(['local'])
    expect(a.client.status.pendingCount.get()).toBe(1)
    // No reconnect storm: give a retry time to happen, then check none did.
    await new Promise((r) => setTimeout(r, 500))
    expect(dials).toBe(1)
    expect(a.client.status.online.get()).toBe(false)
  })

  it('stops on a bad fixed token (unauthorized, no getToken to get a better one)', async () => {
    const server = await startServerProcess({ jwtSecret: secret })
    const ws = webSocketTransport({ url: server.wsUrl })
    let dials = 0
    const counting: Transport = {
      ...ws,
      connect(h) {
        dials++
        return ws.connect(h)
      },
    }
    const a = await openDevice(server.wsUrl, { token: 'not-a-jwt', transport: counting })
    await until(() => a.client.status.error.get() !== null, 'the refusal')
    expect((a.client.status.error.get() as SyncServerError).serverCode).toBe('unauthorized')
    await new Promise((r) => setTimeout(r, 500))
    expect(dials).toBe(1)
    expect(a.client.status.online.get()).toBe(false)
  })
})
