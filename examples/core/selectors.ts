// Selector subscriptions (seed 001, "Selective Store Notifications": `useStoreValue(store,
// selector)` so a component re-renders only when its slice changes, 10 lines of React).
// In Strata a selector is a `computed`: it only notifies when the selected value
// changes (`===`, or `equals` for structural slices), without any framework. 14 lines.
import { computed, signal } from '@strata/core'

export const userStore = signal({ name: 'Ada', email: 'ada@example.com', phone: '1', updatedAt: 0 })
export const select = <T>(pick: (u: ReturnType<typeof userStore.get>) => T) =>
  computed(() => pick(userStore.get()))

export async function main(log: (...args: unknown[]) => void) {
  const nameRenders: string[] = []
  const emailRenders: string[] = []
  const offName = select((u) => u.name).subscribe((name) => nameRenders.push(name))
  const offEmail = select((u) => u.email).subscribe((email) => emailRenders.push(email))
  userStore.update((u) => ({ ...u, phone: '2', updatedAt: 1 })) // neither slice changes
  userStore.update((u) => ({ ...u, name: 'Grace', updatedAt: 2 })) // only the name
  log('name renders:', nameRenders, 'email renders:', emailRenders)
  offName()
  offEmail()
  return { nameRenders, emailRenders }
}
