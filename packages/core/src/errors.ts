/**
 * Typed errors of @strata/core. Each has a stable `code` so callers can branch on it
 * without parsing messages. `CycleError` is defined in `system.ts`, which raises it and
 * must import nothing (see its header); it is re-exported here.
 */

export { CycleError } from './system.js'

/**
 * `onMount` (which needs a core graph node) got something else,
 * for example a hand-written object that only looks like a store.
 *
 * @example
 * ```ts
 * try { onMount({ get() {} } as never, start) } catch (e) { e instanceof NotAStoreError } // true
 * ```
 */
export class NotAStoreError extends TypeError {
  /** Always `'NOT_A_STORE'`. */
  readonly code = 'NOT_A_STORE'
  override readonly name = 'NotAStoreError'
  constructor() {
    super('onMount needs a @strata/core store')
  }
}
