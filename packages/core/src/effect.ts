/** `effect()` and `onCleanup()`: side effects that re-run when what they read changes. */
import { createEffect, NEW_EFFECT } from './system.js'

/**
 * Run `fn` now and again whenever a store it read changes (after the current batch).
 * An effect created inside another effect or scope is owned by it and disposed with
 * it. A function returned by `fn` is a cleanup, run before the next run and on
 * dispose. An error thrown by a re-run does not stop other effects; it is re-thrown
 * once the flush is over (decision 0003). An error in the first run disposes the
 * effect and is thrown to the caller.
 *
 * @param fn - the side effect; may return a cleanup function
 * @returns a disposer that stops the effect and runs its cleanup
 * @example
 * ```ts
 * const name = signal('Ada')
 * const stop = effect(() => console.log(`hello ${name.get()}`)) // hello Ada
 * name.set('Grace') // hello Grace
 * stop()
 * ```
 */
// biome-ignore lint/suspicious/noConfusingVoidType: bodies usually return nothing, or a cleanup
export function effect(fn: () => void | (() => void)): () => void {
  return createEffect(fn, NEW_EFFECT)
}

// the graph's own function, documented in `system.ts` (re-exported: no wrapper ships)
export { onCleanup } from './system.js'
