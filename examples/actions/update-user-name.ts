// Seed 001 "Single Store Operations": an action that validates, reads and writes one store.
// Seed: 28 lines (store + handler). Strata: 20 lines. The payload is validated by a
// schema before the handler runs (the seed checks `trim()` by hand and can still receive a
// number); a business rule failure is an abort with a reason the caller can show.
import { createActions } from '@strata/actions'
import { signal } from '@strata/core'
import { z } from 'zod'

interface User {
  id: string
  name: string
  email: string
  updatedAt: number
}

export function createUserModule() {
  const user = signal<User>({ id: 'u1', name: 'Ada', email: 'ada@example.com', updatedAt: 0 })
  const actions = createActions<{ updateUserName: { name: string } }>({
    actions: { updateUserName: { schema: z.object({ name: z.string().trim() }) } },
  })
  actions.register('updateUserName', ({ name }, controller) => {
    if (!name) return controller.abort('Name cannot be empty')
    user.update((u) => ({ ...u, name, updatedAt: Date.now() }))
  })
  return { user, actions }
}

export async function main(log: (...args: unknown[]) => void) {
  const { user, actions } = createUserModule()
  const seen: string[] = []
  user.listen((u) => seen.push(u.name))
  const ok = await actions.dispatchWithResult('updateUserName', { name: '  Grace ' })
  const empty = await actions.dispatchWithResult('updateUserName', { name: '   ' })
  const wrongType = await actions.dispatchWithResult('updateUserName', { name: 42 as unknown as string })
  log('name:', user.get().name, '| empty:', empty.abortReason, '| wrong type:', wrongType.error?.message)
  return { name: user.get().name, seen, ok: ok.success, empty, wrongType }
}
