/** `computed()`: a lazily evaluated, cached derivation. */
import { node } from './store.js'
import { NEW_COMPUTED, type NodeWithFn } from './system.js'
import type { Computed, NodeOptions } from './types.js'

/**
 * Derive a value from other stores. It runs only when read (lazy), caches its value,
 * recomputes at most once per change of its dependencies, and tracks dependencies
 * dynamically (a store it stops reading stops notifying it). An error thrown by `fn`
 * is re-thrown to every reader until a dependency changes.
 *
 * @param fn - computes the value; receives the previous value (undefined at first)
 * @param options - `equals` to keep the old value when equal, `name` for error messages
 * @returns a read-only store
 * @example
 * ```ts
 * const price = signal(10)
 * const qty = signal(3)
 * const total = computed(() => price.get() * qty.get())
 * total.get() // 30
 * ```
 */
export function computed<T>(fn: (previous: T | undefined) => T, options?: NodeOptions<T>): Computed<T> {
  // `fn` doubles as the initial value: never read, a new computed has no valid value (NEW_COMPUTED)
  return (node as NodeWithFn)(fn, options, fn as (previous: unknown) => unknown, NEW_COMPUTED)
}
