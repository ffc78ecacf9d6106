/**
 * Typed errors of @strata/core. Each has a stable `code` so callers can branch on it
 * without parsing messages.
 */

/**
 * A computed read itself, directly or through other computeds. The message names the
 * nodes of the cycle in read order (give nodes a `name` option to make it readable).
 *
 * @example
 * ```ts
 * const a = computed((): number => b.get(), { name: 'a' })
 * const b = computed(() => a.get(), { name: 'b' })
 * try { a.get() } catch (e) { if (e instanceof CycleError) console.log(e.nodes) } // ['a', 'b', 'a']
 * ```
 */
export class CycleError extends Error {
  /** Always `'CYCLE'`. */
  readonly code = 'CYCLE'
  override readonly name = 'CycleError'
  /** Names of the nodes on the cycle, starting and ending with the node read twice. */
  readonly nodes: string[]
  #start: unknown
  constructor(name: string, start: unknown) {
    super()
    this.nodes = [name]
    this.#start = start
  }
  /** @internal Called while the error unwinds through each computed on the cycle. */
  enter(name: string, node: unknown): void {
    if (this.#start) this.nodes.unshift(name)
    if (node === this.#start) this.#start = undefined
    this.message = `Cycle detected: ${this.nodes.join(' -> ')}`
  }
}

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
