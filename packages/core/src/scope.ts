/** `effectScope()`: a disposal boundary for every effect created inside it. */
import { createEffect, NEW_SCOPE } from './system.js'

/**
 * Run `fn`; every effect (and nested scope) it creates is owned by the scope, and the
 * returned disposer stops them all. Reads in `fn` itself are not tracked.
 *
 * @param fn - creates effects
 * @returns a disposer for everything created inside
 * @example
 * ```ts
 * const stop = effectScope(() => {
 *   effect(() => console.log(a.get()))
 *   effect(() => console.log(b.get()))
 * })
 * stop() // both effects stop
 * ```
 */
export function effectScope(fn: () => void): () => void {
  return createEffect(fn, NEW_SCOPE)
}
