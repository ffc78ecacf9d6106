// Seed 000 §7 "Coordinated Cleanup (useAuth logout)": clear many dependent stores in order,
// block auto-login while doing it, then log out on the server.
// Seed: 102 lines (logout, clearCurUser, two persistent flags, five clear* functions, timers).
// Strata: 52 lines. The order is declared as dependencies; the "logging out" flag is the
// reset's own `running` store (no manual set/unset, no `setTimeout` "to ensure propagation");
// a failing server logout still leaves the client cleared and is reported, not swallowed.
import { coordinatedReset, resettable } from '@strata/actions'
import { signal } from '@strata/core'
import { http, startServer } from './_server.js'

export function createAuth(api: string) {
  const curUser = resettable<{ id: string; name: string } | null>(null)
  const curUserSession = resettable<string | null>(null)
  const curUserJwt = resettable<string | null>(null)
  const selectedUserTeam = resettable<string | null>(null)
  const memberships = resettable<string[]>([])
  const pricingTier = resettable<string | null>(null)
  const tiktokCreatorInfo = resettable<Record<string, string>>({})
  const mediaCache = resettable<Record<string, string>>({})
  const recentLogout = signal(0)

  const logout = coordinatedReset({
    name: 'logout',
    steps: {
      auth: { reset: [curUser, curUserSession, curUserJwt], run: () => recentLogout.set(Date.now()) },
      team: { dependsOn: ['auth'], reset: [selectedUserTeam, memberships] },
      billing: { dependsOn: ['auth', 'team'], reset: [pricingTier] },
      provider: { dependsOn: ['auth'], reset: [tiktokCreatorInfo] },
      caches: { dependsOn: ['billing', 'provider'], reset: [mediaCache] },
      server: { dependsOn: ['caches'], run: () => http(`${api}/logout`, { method: 'POST' }) },
    },
  })

  /** Auto-login: refused while logging out and for 5 s after. */
  async function currentUser() {
    if (logout.running.get() || Date.now() - recentLogout.get() < 5000) return null
    const me = await http<{ id: string; name: string }>(`${api}/me`)
    curUser.set(me)
    return me
  }

  function login() {
    curUser.set({ id: 'u1', name: 'Ada' })
    curUserSession.set('s1')
    curUserJwt.set('jwt')
    selectedUserTeam.set('team-1')
    memberships.set(['team-1'])
    pricingTier.set('pro')
    tiktokCreatorInfo.set({ handle: '@ada' })
    mediaCache.set({ avatar: 'blob:1' })
  }

  const stores = {
    curUser,
    curUserSession,
    curUserJwt,
    selectedUserTeam,
    memberships,
    pricingTier,
    tiktokCreatorInfo,
    mediaCache,
  }
  return { logout, currentUser, login, recentLogout, stores }
}

export function startAuthBackend(state: { failLogout: boolean; onLogout?: () => Promise<void> }) {
  return startServer({
    'GET /me': () => ({ body: { id: 'u1', name: 'Ada' } }),
    'POST /logout': async () => {
      await state.onLogout?.()
      return state.failLogout ? { status: 500, body: { message: 'session store down' } } : { status: 204 }
    },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const auth = { current: undefined as ReturnType<typeof createAuth> | undefined }
  const attemptsDuringLogout: unknown[] = []
  const server = await startAuthBackend({
    failLogout: false,
    // While the server logs out, the app tries to auto-login: the guard must refuse.
    onLogout: async () => void attemptsDuringLogout.push(await auth.current?.currentUser()),
  })
  try {
    const a = (auth.current = createAuth(server.url))
    a.login()
    const flags: boolean[] = []
    const stop = a.logout.running.subscribe((v) => flags.push(v))
    await a.logout.run()
    stop()
    const values = Object.fromEntries(Object.entries(a.stores).map(([k, s]) => [k, s.get()]))
    log('order:', a.logout.order.join(' → '), 'stores after logout:', values)
    return { order: a.logout.order, values, flags, attemptsDuringLogout, afterLogin: await a.currentUser() }
  } finally {
    await server.close()
  }
}
