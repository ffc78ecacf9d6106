// Batching (seed 002, "Batching Updates": a form store whose `loadUser` wraps four
// `set`s in `batch`, 27 lines; seed 001 merges four `update`s into one by hand). Here the
// same form store is 20 lines, and the test proves observers run once per batch and
// never see a half-loaded user.
import { batch, computed, effect, signal } from '@strata/core'

export function createFormStore() {
  const firstName = signal('')
  const lastName = signal('')
  const email = signal('')
  const age = signal(0)
  const loadUser = (user: { firstName: string; lastName: string; email: string; age: number }) =>
    batch(() => {
      firstName.set(user.firstName)
      lastName.set(user.lastName)
      email.set(user.email)
      age.set(user.age)
    })
  return { firstName, lastName, email, age, loadUser }
}

export async function main(log: (...args: unknown[]) => void) {
  const form = createFormStore()
  const label = computed(
    () => `${form.firstName.get()} ${form.lastName.get()} <${form.email.get()}> ${form.age.get()}`,
  )
  const renders: string[] = []
  const stop = effect(() => {
    renders.push(label.get())
  })
  form.loadUser({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', age: 36 })
  log('renders:', renders)
  stop()
  return { renders }
}
