/**
 * The one runtime class behind every signal, computed, map store and effect node.
 * It implements the store contract on top of the graph in `system.ts`; keeping a
 * single hidden class keeps every graph access site monomorphic (decision 0002).
 * Subscribing (`subscribe`/`listen`) is an ordinary effect, so listeners run in the
 * same glitch-free flush as every other effect.
 */
import { createEffect, HAS_EQUALS, NEW_EFFECT, options, ReactiveNode, untracked } from './system.js'
import type { NodeOptions, ReadableStore, WritableStore } from './types.js'

/** @internal Runtime class of signals and computeds; the API exposes only the interfaces. */
export class Store<T> extends ReactiveNode implements WritableStore<T> {
  declare get: () => T
  declare peek: () => T
  declare set: (value: T) => void

  update(fn: (value: T) => T): void {
    this.set(fn(this.peek()))
  }

  subscribe(fn: (value: T) => void): () => void {
    return observe(this, fn, true)
  }

  listen(fn: (value: T, oldValue: T) => void): () => void {
    return observe(this, fn, false)
  }
}

/** A listener is an effect that reads the store and calls `fn` untracked and unowned. */
function observe<T>(store: Store<T>, fn: (value: T, oldValue: T) => void, now: boolean): () => void {
  let old: T
  return watch(() => {
    const v = store.get()
    const prev = old
    old = v
    if (now) untracked(() => fn(v, prev), true)
    now = true
  })
}

/** Create and run an effect node (same hidden class as every other node). */
export function watch(fn: () => unknown, flags: number = NEW_EFFECT): () => void {
  return createEffect(new Store(flags, undefined, fn))
}

/** Create a source or computed node with its options. */
export function node<T>(
  flags: number,
  value: unknown,
  fn: ((prev: unknown) => unknown) | undefined,
  opts?: NodeOptions<T>,
): Store<T> {
  const n = new Store<T>(flags, value, fn)
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
  return x instanceof Store
}
