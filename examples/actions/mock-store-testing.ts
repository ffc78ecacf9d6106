// Seed 001 "Testing Store Integration" (1. unit testing actions with mock stores, 2.
// integration testing with real stores). Seed: 45 code lines for the mock test (two
// `jest.Mocked<Store>` objects with four `jest.fn()`s each, `mockReturnValue` per test,
// assertions on calls) plus 33 for the real-store test, 78 in all, without the handlers
// they test. Strata: this handler module is 32 lines (types, handler, wiring); the test
// file beside it is 86 lines: the scenario (run twice, with real core stores and with a
// 27-line in-test stand-in store) plus a check that the stand-in behaves like a real
// store. Longer in total because the seed's tests never show the handler, its stores or
// the abort controller they mock, and the stand-in is itself tested.
// What changes: the handler gets its stores passed in (the seed's handler reads module
// globals, so its mocks cannot even be wired up as shown). Any object with the store
// contract (`get`/`peek`/`subscribe`/`listen` + `set`/`update`) is a store here, so the
// stand-in needs no mocking library, and both tests assert the same *outcome* — the value
// written and what observers saw — instead of which methods were called.
import { type ActionHandler, createActions } from '@strata/actions'
import { type ReadableStore, signal, type WritableStore } from '@strata/core'

export interface User {
  id: string
  name: string
  email: string
  updatedAt: number
}
export interface Settings {
  validateNames: boolean
}
export interface UserActions {
  updateUser: { name: string }
}
export interface UserStores {
  user: WritableStore<User>
  settings: ReadableStore<Settings>
}

/** The handler under test: reads two stores at run time, writes one, or aborts. */
export function updateUserHandler(
  { user, settings }: UserStores,
  now: () => number = Date.now,
): ActionHandler<{ name: string }, unknown, UserActions> {
  return ({ name }, controller) => {
    if (settings.get().validateNames && !name.trim()) return controller.abort('Name cannot be empty')
    user.update((u) => ({ ...u, name, updatedAt: now() }))
  }
}

/** Wire the handler into a registry; the app passes real stores, a test may pass others. */
export function createUserActions(stores: UserStores, now?: () => number) {
  const actions = createActions<UserActions>()
  actions.register('updateUser', updateUserHandler(stores, now))
  return actions
}

export async function main(log: (...args: unknown[]) => void) {
  const user = signal<User>({ id: '1', name: 'John', email: 'john@example.com', updatedAt: 0 })
  const settings = signal<Settings>({ validateNames: true })
  const actions = createUserActions({ user, settings })
  const ok = await actions.dispatchWithResult('updateUser', { name: 'Jane Doe' })
  const empty = await actions.dispatchWithResult('updateUser', { name: ' ' })
  log('user:', user.get().name, '| empty name:', empty.abortReason)
  return {
    ok: ok.success,
    name: user.get().name,
    emptyAborted: empty.aborted,
    abortReason: empty.abortReason,
  }
}
