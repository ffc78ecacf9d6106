import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { CLOSE_CODES } from '@strata/sync'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { event, join, TestClient } from '../../test/harness.js'
import { silentLogger } from '../logger.js'
import { type SyncServer, type SyncServerOptions, startSyncServer } from '../server.js'
import { storeRules } from './authorize.js'
import { jwtAuthenticator } from './jwt.js'

const SECRET = 'test-secret-at-least-32-bytes-long!!'
const hs = (claims: Record<string, unknown>, exp: string | number = '1h') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(SECRET))

const servers: SyncServer[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(servers.splice(0).map((s) => s.close({ timeoutMs: 1000 })))
})
async function start(options: SyncServerOptions) {
  const s = await startSyncServer({ port: 0, db: ':memory:', logger: silentLogger, ...options })
  servers.push(s)
  return s
}
async function hello(s: SyncServer, storeId: string, token?: string) {
  const c = await TestClient.open(s.wsUrl)
  clients.push(c)
  c.send({ t: 'hello', v: 1, storeId, clientId: 'c', cursor: 0, ...(token ? { token } : {}) })
  return c
}

describe('storeRules', () => {
  it('user stores belong to their user, team stores to members, others to nobody', () => {
    const ada = { id: 'ada', teams: ['core'] }
    expect(storeRules(ada, 'user:ada', 'write')).toBe(true)
    expect(storeRules(ada, 'user:bob', 'read')).toEqual({ deny: 'store user:bob belongs to another user' })
    expect(storeRules(ada, 'team:core', 'write')).toBe(true)
    expect(storeRules(ada, 'team:ops', 'read')).toMatchObject({
      deny: expect.stringContaining('not a member of team ops'),
    })
    expect(storeRules(ada, 'project:1', 'read')).toMatchObject({ deny: expect.stringContaining('no rule') })
    expect(storeRules(null, 'user:ada', 'read')).toMatchObject({
      deny: expect.stringContaining('authentication required'),
    })
  })
})

describe('JWT HS256 over WebSocket', () => {
  it('a valid token opens the user store and announces expiry', async () => {
    const s = await start({ jwt: { secret: SECRET } })
    const { c, welcome } = await join(s.wsUrl, 'user:ada', 'c', { token: await hs({ sub: 'ada' }) })
    clients.push(c)
    expect(welcome.expiresAt).toBeGreaterThan(Date.now())
  })

  it('the token may come from the Authorization header of the upgrade', async () => {
    const s = await start({ jwt: { secret: SECRET } })
    const c = await TestClient.open(s.wsUrl, {
      headers: { authorization: `Bearer ${await hs({ sub: 'ada' })}` },
    })
    clients.push(c)
    c.send({ t: 'hello', v: 1, storeId: 'user:ada', clientId: 'c', cursor: 0 })
    await c.next('welcome')
  })

  it('no token, a wrong signature, or an expired token is refused with 4401/4402', async () => {
    const s = await start({ jwt: { secret: SECRET } })
    const none = await hello(s, 'user:ada')
    expect(await none.next('error')).toMatchObject({ code: 'unauthorized', fatal: true })
    expect((await none.closed).code).toBe(CLOSE_CODES.unauthorized)
    const forged = await new SignJWT({ sub: 'ada' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-another-secret-12'))
    expect((await (await hello(s, 'user:ada', forged)).closed).code).toBe(CLOSE_CODES.unauthorized)
    const expired = await hs({ sub: 'ada' }, Math.floor(Date.now() / 1000) - 60)
    const late = await hello(s, 'user:ada', expired)
    expect(await late.next('error')).toMatchObject({ code: 'token_expired' })
    expect((await late.closed).code).toBe(CLOSE_CODES.tokenExpired)
  })

  it("reading another user's or another team's store is forbidden (4403) and changes nothing", async () => {
    const s = await start({ jwt: { secret: SECRET } })
    const token = await hs({ sub: 'ada', teams: ['core'] })
    const other = await hello(s, 'user:bob', token)
    expect(await other.next('error')).toMatchObject({
      code: 'forbidden',
      message: 'store user:bob belongs to another user',
    })
    expect((await other.closed).code).toBe(CLOSE_CODES.forbidden)
    const team = await hello(s, 'team:ops', token)
    expect((await team.closed).code).toBe(CLOSE_CODES.forbidden)
    const mine = await join(s.wsUrl, 'team:core', 'c', { token })
    clients.push(mine.c)
    expect(mine.welcome.head).toBe(0)
  })

  it('a token that expires closes the session cleanly at expiry', async () => {
    const s = await start({ jwt: { secret: SECRET } })
    const exp = Math.floor(Date.now() / 1000) + 4
    const { c, welcome } = await join(s.wsUrl, 'user:ada', 'c', { token: await hs({ sub: 'ada' }, exp) })
    clients.push(c)
    expect(welcome.expiresAt).toBe(exp * 1000)
    expect(await c.closed).toEqual({ code: CLOSE_CODES.tokenExpired, reason: 'token_expired' })
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000)
    expect(c.inbox.at(-1)).toMatchObject({ t: 'error', code: 'token_expired', fatal: true })
  })
})

describe('write authorization per event', () => {
  it('a forbidden event is rejected with the reason and stores nothing; allowed ones go through', async () => {
    const s = await start({
      jwt: { secret: SECRET },
      authorize: (user, storeId, action, e) => {
        if (storeId !== `team:core` || !user?.teams?.includes('core')) return { deny: 'not a member' }
        if (action === 'write' && e?.name === 'v1.ProjectDeleted' && user.claims?.role !== 'admin')
          return { deny: 'only admins delete projects' }
        return true
      },
    })
    const { c } = await join(s.wsUrl, 'team:core', 'c', { token: await hs({ sub: 'ada', teams: ['core'] }) })
    clients.push(c)
    c.send({
      t: 'push',
      id: 1,
      events: [
        event('c', 1, { id: 'p' }, 'v1.ProjectDeleted'),
        event('c', 2, { id: 'p' }, 'v1.ProjectRenamed'),
      ],
    })
    const ack = await c.next('ack')
    expect(ack.results).toEqual([
      { seq: 1, ok: false, code: 'forbidden', reason: 'only admins delete projects' },
      { seq: 2, ok: true, gseq: 1 },
    ])
    expect((await s.storage.read('team:core', 0, 10)).map((e) => e.name)).toEqual(['v1.ProjectRenamed'])
  })
})

describe('HTTP auth', () => {
  it("Bearer tokens on push and pull; a push to a store the user cannot read is refused whole and takes no writer's seq", async () => {
    const s = await start({ jwt: { secret: SECRET } })
    const token = await hs({ sub: 'ada' })
    const push = (storeId: string, auth?: string) =>
      fetch(`${s.url}/v1/stores/${encodeURIComponent(storeId)}/push`, {
        method: 'POST',
        headers: auth ? { authorization: `Bearer ${auth}` } : {},
        body: JSON.stringify({ clientId: 'h', events: [event('h', 1)] }),
      })
    expect((await push('user:ada')).status).toBe(401)
    // No rights on the store: refused whole, nothing recorded (it used to record a per-event
    // refusal under client 'h', which took that client's seq 1 on user:bob)
    const denied = await push('user:bob', token)
    expect(denied.status).toBe(403)
    expect(await denied.json()).toMatchObject({ t: 'error', code: 'forbidden' })
    expect(await s.storage.head('user:bob')).toBe(0)
    expect(await s.storage.lastSeq('user:bob', 'h')).toBe(0)
    const bob = await hs({ sub: 'bob' })
    const bobs = await push('user:bob', bob)
    expect((await bobs.json()).results[0]).toMatchObject({ ok: true })
    expect((await push('user:ada', token)).status).toBe(200)
    const pullOther = await fetch(`${s.url}/v1/stores/user%3Abob/pull`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(pullOther.status).toBe(403)
  })
})

describe('JWKS (RS256 and ES256)', () => {
  let jwks: Server
  let jwksUrl = ''
  const keys: Record<string, CryptoKey> = {}
  beforeAll(async () => {
    const rs = await generateKeyPair('RS256')
    const es = await generateKeyPair('ES256')
    keys.RS256 = rs.privateKey
    keys.ES256 = es.privateKey
    const body = JSON.stringify({
      keys: [
        { ...(await exportJWK(rs.publicKey)), kid: 'rs', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256', use: 'sig' },
      ],
    })
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    })
    jwks.listen(0, '127.0.0.1')
    await once(jwks, 'listening')
    const a = jwks.address()
    jwksUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/.well-known/jwks.json`
  })
  afterAll(() => new Promise<void>((r) => jwks.close(() => r())))

  const sign = (alg: 'RS256' | 'ES256', kid: string, claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setIssuer('https://auth.test')
      .setAudience('strata')
      .setExpirationTime('10m')
      .sign(keys[alg] as CryptoKey)

  it('accepts tokens signed by keys of the JWKS, with issuer and audience checks', async () => {
    const s = await start({ jwt: { jwksUrl, issuer: 'https://auth.test', audience: 'strata' } })
    for (const [alg, kid] of [
      ['RS256', 'rs'],
      ['ES256', 'es'],
    ] as const) {
      const { c } = await join(s.wsUrl, 'team:core', `c-${alg}`, {
        token: await sign(alg, kid, { sub: 'ada', teams: ['core'] }),
      })
      clients.push(c)
    }
  })

  it('refuses a token signed by a key outside the JWKS', async () => {
    const s = await start({ jwt: { jwksUrl } })
    const stranger = await generateKeyPair('ES256')
    const token = await new SignJWT({ sub: 'ada' })
      .setProtectedHeader({ alg: 'ES256', kid: 'es' })
      .sign(stranger.privateKey)
    const c = await hello(s, 'user:ada', token)
    expect((await c.closed).code).toBe(CLOSE_CODES.unauthorized)
  })

  it('jwtAuthenticator needs exactly one key source', () => {
    expect(() => jwtAuthenticator({})).toThrow(expect.objectContaining({ code: 'bad_jwt_options' }))
    expect(() => jwtAuthenticator({ secret: 'x', jwksUrl })).toThrow(
      expect.objectContaining({ code: 'bad_jwt_options' }),
    )
  })
})

describe('custom authenticate hook', () => {
  it('receives the token and headers; null refuses', async () => {
    const s = await start({
      authenticate: ({ token, transport }) =>
        token === 'open-sesame' && transport === 'ws' ? { id: 'ada' } : null,
    })
    const { c } = await join(s.wsUrl, 'user:ada', 'c', { token: 'open-sesame' })
    clients.push(c)
    const refused = await hello(s, 'user:ada', 'nope')
    expect((await refused.closed).code).toBe(CLOSE_CODES.unauthorized)
  })

  it.each([
    ['a number', { id: 42 }],
    ['missing', { teams: [] }],
    ['empty', { id: '' }],
  ])('a user whose id is %s is refused on both transports (client ids are bound to it)', async (_, user) => {
    const s = await start({ authenticate: () => user as never })
    const refused = await hello(s, 'user:ada', 'any')
    expect((await refused.closed).code).toBe(CLOSE_CODES.unauthorized)
    const res = await fetch(`${s.url}/v1/stores/user%3Aada/push`, {
      method: 'POST',
      headers: { authorization: 'Bearer any' },
      body: JSON.stringify({ clientId: 'c', events: [event('c', 1)] }),
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ t: 'error', code: 'unauthorized', fatal: true })
  })

  it('a user whose expiresAt is not a finite number is refused, not kept open for ever', async () => {
    const s = await start({ authenticate: () => ({ id: 'ada', expiresAt: Number.NaN }) })
    const refused = await hello(s, 'user:ada', 'any')
    expect((await refused.closed).code).toBe(CLOSE_CODES.unauthorized)
  })
})
