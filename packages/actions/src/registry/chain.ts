/**
 * Tracks the chain of dispatches that led to the code running now, for re-entrant loop
 * detection. JavaScript in browsers has no portable async context, so the chain is known
 * (1) synchronously while a handler's body runs up to its first `await`, and (2) across
 * `await`s when a handler dispatches through `controller.dispatch`, which carries it.
 * See docs/decisions/0011-dispatch-depth.md.
 */

let active: readonly string[] | undefined

/**
 * The chain of actions whose handler is running synchronously right now (outermost
 * first), or an empty chain at top level.
 * @returns the active dispatch chain
 * @example
 * ```ts
 * currentChain() // [] outside any handler
 * ```
 */
export function currentChain(): readonly string[] {
  return active ?? []
}

/**
 * Run `fn` synchronously with `chain` as the active dispatch chain.
 * @param chain - the chain to expose to dispatches made inside `fn`
 * @param fn - the synchronous part of a handler invocation
 * @returns what `fn` returns
 * @example
 * ```ts
 * const ret = withChain(['save'], () => handler(payload, controller))
 * ```
 */
export function withChain<T>(chain: readonly string[], fn: () => T): T {
  const previous = active
  active = chain
  try {
    return fn()
  } finally {
    active = previous
  }
}
