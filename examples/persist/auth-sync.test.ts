import { IDBFactory } from 'fake-indexeddb'
import { indexedDBEngine } from '@strata/persist'
import { describe, expect, it } from 'vitest'
import { createAuthStore, eventually, main } from './auth-sync.js'

describe('example: BroadcastChannel auth sync (fake-indexeddb + Node BroadcastChannel)', () => {
  it('login and logout reach the other tab; a new tab starts logged in', async () => {
    const factory = new IDBFactory()
    const a = indexedDBEngine({ factory, database: 'auth-test' })
    const b = indexedDBEngine({ factory, database: 'auth-test' })
    const tabA = createAuthStore(a)
    const tabB = createAuthStore(b)
    await tabA.user.ready
    tabA.login({ id: '1', name: 'Grace', isPremium: false })
    await eventually(() => tabB.user.get()?.name === 'Grace')
    await tabA.user.flush()
    const c = indexedDBEngine({ factory, database: 'auth-test' })
    const tabC = createAuthStore(c)
    await tabC.user.ready
    expect(tabC.isLoggedIn.get()).toBe(true)
    tabC.logout()
    await eventually(() => !tabA.isLoggedIn.get() && !tabB.isLoggedIn.get())
    for (const e of [a, b, c]) e.close()
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...x) => lines.push(x))
    expect(lines).toEqual([
      ['tab B after login in tab A:', 'Ada'],
      ['tab A after logout in tab B:', null],
    ])
  })
})
