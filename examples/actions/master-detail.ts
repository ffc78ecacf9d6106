// Seed 001 "State Synchronization": master-detail (a list and the selected item stay in sync)
// and cache sync (load a user from cache or server, updating cache and current together).
// Seed: 43 lines (24 + 19). Strata: 46 lines — 3 longer, because the seed's snippets leave out
// their store declarations, the User type and `api.getUser`, which are all here (the action map
// alone is 5 lines). What it gains: the selected user is *derived* from the list by id, so the two
// can never disagree (the seed copies the object and must remember to update both), and the
// cache-miss path calls a real server and writes cache and current in one transaction.
import { createActions, transaction } from '@strata/actions'
import { computed, signal } from '@strata/core'
import { http, startServer } from './_server.js'

interface User {
  id: string
  name: string
  updatedAt: number
}
interface Acts {
  selectUser: { userId: string }
  updateSelectedUser: Partial<Omit<User, 'id'>>
  loadUser: { userId: string }
}

export function createUsers(api: string) {
  const userList = signal<User[]>([])
  const selectedId = signal<string | null>(null)
  const selectedUser = computed(() => userList.get().find((u) => u.id === selectedId.get()) ?? null)
  const userCache = signal<Record<string, User>>({})
  const currentUser = signal<User | null>(null)
  const actions = createActions<Acts>()

  actions.register('selectUser', ({ userId }, c) => {
    if (!userList.peek().some((u) => u.id === userId)) return c.abort('User not found')
    selectedId.set(userId)
  })
  actions.register('updateSelectedUser', (changes, c) => {
    const id = selectedId.peek()
    if (!id) return c.abort('No user selected')
    userList.update((list) =>
      list.map((u) => (u.id === id ? { ...u, ...changes, updatedAt: Date.now() } : u)),
    )
  })
  actions.register('loadUser', async ({ userId }, c) => {
    const cached = userCache.peek()[userId]
    if (cached) return currentUser.set(cached)
    try {
      const user = await http<User>(`${api}/users/${userId}`, { signal: c.signal })
      await transaction(async (tx) => {
        await tx.update(userCache, (cache) => ({ ...cache, [user.id]: user }))
        await tx.set(currentUser, user)
      })
    } catch {
      c.abort('Failed to load user')
    }
  })
  return { userList, selectedUser, userCache, currentUser, actions }
}

export function startUserServer() {
  return startServer({
    'GET /users/:id': ({ params }) =>
      params.id === 'u2'
        ? { body: { id: 'u2', name: 'Grace', updatedAt: 0 } }
        : { status: 404, body: { message: 'no such user' } },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startUserServer()
  try {
    const u = createUsers(server.url)
    u.userList.set([
      { id: 'u1', name: 'Ada', updatedAt: 0 },
      { id: 'u2', name: 'Grace', updatedAt: 0 },
    ])
    await u.actions.dispatch('selectUser', { userId: 'u1' })
    await u.actions.dispatch('updateSelectedUser', { name: 'Ada L.' })
    const missing = await u.actions.dispatchWithResult('selectUser', { userId: 'u9' })
    await u.actions.dispatch('loadUser', { userId: 'u2' }) // miss → server
    await u.actions.dispatch('loadUser', { userId: 'u2' }) // hit → no request
    const failed = await u.actions.dispatchWithResult('loadUser', { userId: 'u404' })
    log(
      'selected:',
      u.selectedUser.get()?.name,
      'list:',
      u.userList.get().map((x) => x.name),
      'current:',
      u.currentUser.get()?.name,
    )
    return {
      selected: u.selectedUser.get()?.name,
      listNames: u.userList.get().map((x) => x.name),
      missing: missing.abortReason,
      current: u.currentUser.get()?.name,
      cacheKeys: Object.keys(u.userCache.get()),
      failed: failed.abortReason,
      serverHits: server.requests.map((r) => r.path),
    }
  } finally {
    await server.close()
  }
}
