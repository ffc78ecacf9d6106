/** `signal()`: the writable source node of the graph. */
import { node } from './store.js'
import type { NodeOptions, Signal } from './types.js'

/**
 * Create a writable store holding `initial`. Reads inside a computed or effect are
 * tracked; writes notify only when the value differs (`===`, or `options.equals`).
 *
 * @param initial - the first value
 * @param options - `equals` to decide sameness, `name` for error messages
 * @returns the signal (`get`, `peek`, `set`, `update`, `subscribe`, `listen`)
 * @example
 * ```ts
 * const count = signal(0)
 * count.subscribe((n) => console.log(n)) // logs 0
 * count.update((n) => n + 1) // logs 1
 * ```
 */
export function signal<T>(initial: T, options?: NodeOptions<T>): Signal<T> {
  return node(0, initial, options)
}
