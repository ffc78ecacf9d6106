/**
 * Node creation with options, and `isStore`. The store contract itself (`update`,
 * `subscribe`, `listen`) lives on the one node class, `ReactiveNode` in `system.ts`:
 * every signal, computed, map store and effect node is an instance of it, so every graph
 * access site stays monomorphic (decision 0002). Subscribing is an ordinary effect, so
 * listeners run in the same glitch-free flush as every other effect.
 */
import { HAS_EQUALS, options, ReactiveNode } from './system.js'
import type { NodeOptions, ReadableStore } from './types.js'

/** @internal Runtime class of every node (`ReactiveNode`, which also carries the store
 * contract); the API exposes only the interfaces. */
export { ReactiveNode as Store }

/** Create a source or computed node with its options. */
export function node<T>(
  flags: number,
  value: unknown,
  opts: NodeOptions<T> | undefined,
  fn?: (prev: unknown) => unknown,
): ReactiveNode<T> {
  const n = new ReactiveNode<T>(flags, value, fn)
  if (opts) {
    options.set(n, opts as NodeOptions<never>)
    if (opts.equals) n.flags |= HAS_EQUALS
  }
  return n
}

/**
 * Whether `x` is a Strata store (signal, computed, map store or a higher-layer node).
 *
 * @param x - any value
 * @returns true if `x` implements the store contract through the core graph
 * @example
 * ```ts
 * isStore(signal(1)) // true
 * isStore({ get() {} }) // false
 * ```
 */
export function isStore(x: unknown): x is ReadableStore<unknown> {
  return x instanceof ReactiveNode
}
