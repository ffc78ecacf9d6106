/**
 * Resettable stores: a writable store that remembers its initial value and can go back
 * to it. The building block of coordinated resets (logout) in `coordinated-reset.ts`.
 */
import { type ReadableStore, signal, type WritableStore } from '@strata/core'

/**
 * Anything with a `reset()`: resettable stores, machines, your own caches.
 * @example
 * ```ts
 * const cache: Resettable = { reset: () => map.clear() }
 * ```
 */
export interface Resettable {
  reset(): void
}

/**
 * A writable store with `reset()` back to its initial value.
 * @example
 * ```ts
 * const user: ResettableStore<User | null> = resettable<User | null>(null)
 * ```
 */
export interface ResettableStore<T> extends WritableStore<T>, Resettable {
  /** The value `reset()` restores. */
  readonly initial: T
  /** The underlying core node. */
  readonly store: ReadableStore<T>
}

/**
 * Create a store that can be reset to its initial value.
 *
 * Why: seed 000 writes a `clearX()` function per store (`curUser.set(null)`,
 * `currentUserMemberships.set([])`…); the initial value already says what "cleared" is.
 * @param initial - the initial (and reset) value
 * @param options - `equals` as for `signal`
 * @returns a {@link ResettableStore}
 * @example
 * ```ts
 * const memberships = resettable<string[]>([])
 * memberships.set(['team-1'])
 * memberships.reset() // []
 * ```
 */
export function resettable<T>(
  initial: T,
  options: { equals?: (a: T, b: T) => boolean } = {},
): ResettableStore<T> {
  const node = signal(initial, options)
  return {
    initial,
    store: node,
    get: () => node.get(),
    peek: () => node.peek(),
    subscribe: (fn) => node.subscribe(fn),
    listen: (fn) => node.listen(fn),
    set: (value) => node.set(value),
    update: (fn) => node.update(fn),
    reset: () => node.set(initial),
  }
}
