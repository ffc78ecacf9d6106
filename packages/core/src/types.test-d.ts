/**
 * Type tests (checked by `npm run typecheck`): every `@ts-expect-error` line must keep
 * failing to compile.
 */
import { computed } from './computed.js'
import { effect } from './effect.js'
import { onMount } from './lifecycle.js'
import { listenKeys, map } from './map.js'
import { signal } from './signal.js'
import { isStore } from './store.js'
import type { Computed, ReadableStore, Signal } from './types.js'

const count: Signal<number> = signal(0)
count.set(1)
// @ts-expect-error a number signal does not take a string
count.set('1')
// @ts-expect-error update must return the value type
count.update((n) => `${n}`)
count.subscribe((n: number) => n)
// @ts-expect-error the listener receives a number
count.subscribe((s: string) => s)
count.listen((value, old) => value + old)

const doubled: Computed<number> = computed(() => count.get() * 2)
// @ts-expect-error a computed is read-only
doubled.set(3)
// @ts-expect-error the computed's type is inferred from its function
const wrong: Computed<string> = computed(() => count.get())
computed<number[]>((previous) => [...(previous ?? []), count.get()])
// @ts-expect-error equals compares values of the node's type
signal(0, { equals: (a: string, b: string) => a === b })

effect(() => {
  count.get()
})
effect(() => () => {})
// @ts-expect-error an effect may return only a cleanup function
effect(() => 42)

const profile = map<{ name: string; email?: string }>({ name: 'Ada' })
profile.setKey('email', undefined)
profile.setKey('name', 'Grace')
// @ts-expect-error required keys cannot be deleted
profile.setKey('name', undefined)
// @ts-expect-error unknown key
profile.setKey('age', 3)
// @ts-expect-error wrong value type for the key
profile.setKey('name', 3)
listenKeys(profile, ['email'], (value) => value.email)
// @ts-expect-error listenKeys only takes keys of the value
listenKeys(profile, ['nope'], () => {})

const unknownThing: unknown = count
if (isStore(unknownThing)) {
  const r: ReadableStore<unknown> = unknownThing
  r.get()
  // @ts-expect-error isStore narrows to a readable store only
  unknownThing.set(1)
}
onMount(count, () => () => {})
// @ts-expect-error onMount's start returns nothing or a stop function
onMount(count, () => 5)

export { wrong }
