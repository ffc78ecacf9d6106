// The assertion that `console.log(x) // -> value` lines in documentation turn into
// (see scripts/doc-snippets.mjs). Kept dependency-free so snippets type-check alone.
import { isDeepStrictEqual, inspect } from 'node:util'

/** Throws unless `actual` deep-equals `expected`; `where` names the markdown line. */
export function __expectLog(actual: unknown, expected: unknown, where = 'documentation'): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${where}: documented output ${inspect(expected)} but the code printed ${inspect(actual)}`)
  }
}
