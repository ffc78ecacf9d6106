/** `batch()`: group writes so effects run once, after the last write. */
import { endBatch, startBatch } from './system.js'

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
export function batch<T>(fn: () => T): T {
  startBatch()
  try {
    return fn()
  } finally {
    endBatch()
  }
}
