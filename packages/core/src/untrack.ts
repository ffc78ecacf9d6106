/** `untrack()`: read stores without making the current computed or effect depend on them. */
import { untracked } from './system.js'

/**
 * Run `fn` without tracking the stores it reads.
 *
 * @param fn - reads stores
 * @returns what `fn` returns
 * @example
 * ```ts
 * effect(() => {
 *   log(count.get(), untrack(() => label.get())) // re-runs on count only
 * })
 * ```
 */
// the graph's own function, typed without its internal `detach` flag (no wrapper to ship)
export const untrack: <T>(fn: () => T) => T = untracked
