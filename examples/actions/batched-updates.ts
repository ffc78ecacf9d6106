// Seed 001 "Batching Store Updates" and seed 002 "Batching Updates": several writes, one
// notification. Seed: 23 lines (002 loadUser with four signals in `batch`). Strata: 22 lines.
// Same shape — `batch` is core's — and the example shows the observable difference: the effect
// reading all four stores runs once per batch, never with a half-loaded user.
import { batch, computed, effect, signal } from '@strata/core'

interface User {
  firstName: string
  lastName: string
  email: string
  age: number
}

export function createForm() {
  const firstName = signal('')
  const lastName = signal('')
  const email = signal('')
  const age = signal(0)
  const loadUser = (u: User) =>
    batch(() => {
      firstName.set(u.firstName)
      lastName.set(u.lastName)
      email.set(u.email)
      age.set(u.age)
    })
  const summary = computed(() => `${firstName.get()} ${lastName.get()} <${email.get()}> ${age.get()}`)
  return { firstName, lastName, email, age, loadUser, summary }
}

export async function main(log: (...args: unknown[]) => void) {
  const form = createForm()
  const renders: string[] = []
  const stop = effect(() => void renders.push(form.summary.get()))
  form.loadUser({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', age: 36 })
  form.loadUser({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', age: 85 })
  // Without batch: every set re-runs the effect, showing mixed states.
  form.firstName.set('Alan')
  form.lastName.set('Turing')
  stop()
  log('renders:', renders)
  return { renders }
}
