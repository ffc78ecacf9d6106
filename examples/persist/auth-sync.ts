/**
 * Seed 002 "BroadcastChannel API": authentication shared by every tab — log out in one
 * tab and all tabs log out. The session lives in IndexedDB (so a new tab starts logged
 * in) and the IndexedDB engine tells other tabs about each write over a
 * BroadcastChannel; the seed's message protocol and `close()` bookkeeping are gone.
 */
import { computed } from '@strata/core'
import { indexedDBEngine, persistent, type StorageEngine } from '@strata/persist'
import { z } from 'zod'

const userSchema = z.object({ id: z.string(), name: z.string(), isPremium: z.boolean() }).nullable()
export type User = z.infer<typeof userSchema>

/** The auth store of the seed. */
export function createAuthStore(engine: StorageEngine = indexedDBEngine({ database: 'auth' })) {
  const user = persistent<User>(null, 'auth:user', { engine, schema: userSchema })
  return {
    user,
    isLoggedIn: computed(() => user.get() !== null),
    login: (u: NonNullable<User>) => user.set(u),
    /** Logs out this tab and, through the engine's channel, every other tab. */
    logout: () => user.set(null),
  }
}

/** Resolve when `check()` holds (cross-tab messages arrive asynchronously). */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const { IDBFactory } = await import('fake-indexeddb')
  const factory = new IDBFactory() // one origin's IndexedDB, two tabs below
  const database = `auth-${Date.now()}`
  const engineA = indexedDBEngine({ factory, database })
  const engineB = indexedDBEngine({ factory, database })
  const tabA = createAuthStore(engineA)
  const tabB = createAuthStore(engineB)
  await Promise.all([tabA.user.ready, tabB.user.ready])
  tabA.login({ id: 'u1', name: 'Ada', isPremium: true })
  await eventually(() => tabB.isLoggedIn.get())
  log('tab B after login in tab A:', tabB.user.get()?.name)
  tabB.logout()
  await eventually(() => !tabA.isLoggedIn.get())
  log('tab A after logout in tab B:', tabA.user.get())
  engineA.close()
  engineB.close()
}
