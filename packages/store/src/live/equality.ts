/**
 * Structural equality of query results, used as the cut-off of live queries: when a
 * re-run yields rows equal to the previous ones, the previous array is kept and nothing
 * downstream is notified.
 */

/**
 * Deep equality for JSON-like values (rows, arrays, numbers, strings, null).
 * @param a first value
 * @param b second value
 * @returns whether both are structurally equal
 * @example
 * equalResult([{ id: 'a', n: 1 }], [{ id: 'a', n: 1 }]) // true
 */
export function equalResult(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Number.isNaN(a) && Number.isNaN(b)
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!equalResult(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka)
    if (!equalResult((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  return true
}
