// Seed 001 "Selective Store Notifications": subscribe to one field so unrelated changes do not
// re-render. Seed: 8 lines (React `useStoreValue(store, selector)`). Strata: 7 lines,
// framework-free: a `computed` selector only notifies when the selected value changes.
import { computed, signal } from '@strata/core'

export function createUser() {
  const user = signal({ name: 'Ada', email: 'ada@example.com', lastSeen: 0 })
  const userName = computed(() => user.get().name)
  const userEmail = computed(() => user.get().email)
  return { user, userName, userEmail }
}

export async function main(log: (...args: unknown[]) => void) {
  const { user, userName, userEmail } = createUser()
  const nameRenders: string[] = []
  const emailRenders: string[] = []
  const stopName = userName.subscribe((n) => nameRenders.push(n))
  const stopEmail = userEmail.subscribe((e) => emailRenders.push(e))
  for (let t = 1; t <= 5; t++) user.update((u) => ({ ...u, lastSeen: t })) // heartbeat: nobody re-renders
  user.update((u) => ({ ...u, name: 'Ada L.' }))
  user.update((u) => ({ ...u, email: 'ada@lovelace.dev' }))
  stopName()
  stopEmail()
  log('name renders:', nameRenders, 'email renders:', emailRenders)
  return { nameRenders, emailRenders }
}
