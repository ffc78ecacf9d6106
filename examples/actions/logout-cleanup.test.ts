import { ResetError, ResetInProgressError } from '@strata/actions'
import { describe, expect, it } from 'vitest'
import { createAuth, main, startAuthBackend } from './logout-cleanup.js'

describe('coordinated logout cleanup (seed 000 §7)', () => {
  it('clears every store in dependency order, blocks auto-login during and just after', async () => {
    const out = await main(() => undefined)
    expect(out.order).toEqual(['auth', 'team', 'billing', 'provider', 'caches', 'server'])
    expect(out.values).toEqual({
      curUser: null,
      curUserSession: null,
      curUserJwt: null,
      selectedUserTeam: null,
      memberships: [],
      pricingTier: null,
      tiktokCreatorInfo: {},
      mediaCache: {},
    })
    expect(out.flags).toEqual([false, true, false])
    expect(out.attemptsDuringLogout).toEqual([null])
    expect(out.afterLogin).toBeNull() // within the 5 s grace period
  })

  it('a failing server logout still clears the client and is reported', async () => {
    const server = await startAuthBackend({ failLogout: true })
    try {
      const a = createAuth(server.url)
      a.login()
      const err = await a.logout.run().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ResetError)
      expect((err as ResetError).failures.map((f) => f.step)).toEqual(['server'])
      expect(a.stores.curUser.peek()).toBeNull()
      expect(a.stores.mediaCache.peek()).toEqual({})
      expect(a.logout.running.peek()).toBe(false)
    } finally {
      await server.close()
    }
  })

  it('a second logout while one runs is refused', async () => {
    let release!: () => void
    const server = await startAuthBackend({
      failLogout: false,
      onLogout: () => new Promise((r) => (release = r)),
    })
    try {
      const a = createAuth(server.url)
      const first = a.logout.run()
      await expect(a.logout.run()).rejects.toBeInstanceOf(ResetInProgressError)
      while (!release) await new Promise((r) => setTimeout(r, 5))
      release()
      await first
    } finally {
      await server.close()
    }
  })
})
