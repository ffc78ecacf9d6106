/** `batch()`: group writes so effects run once, after the last write. */
import { batched } from './system.js'

/**
 * Run `fn`; effects triggered by its writes run once when the outermost batch ends.
 * Reads inside the batch already see the new values (computeds stay consistent).
 *
 * @param fn - does the writes
 * @returns what `fn` returns
 * @example
 * ```ts
 * batch(() => {
 *   first.set('Ada')
 *   last.set('Lovelace')
 * }) // an effect reading both runs once
 * ```
 */
// the graph's own function (no wrapper to ship)
export const batch: <T>(fn: () => T) => T = batched
