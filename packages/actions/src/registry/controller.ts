/**
 * The controller object each handler receives: a class (methods on the prototype) rather
 * than a literal of closures, because one is created per handler per dispatch and closure
 * allocation showed up as GC time in bench/actions.
 */
import type { Cancellation } from '../cancellation.js'
import { type PipelineState, recordResult } from './execution.js'
import type { ActionController, ActionName, PayloadArgs } from './types.js'

/** How a controller dispatches nested actions (provided by the registry, carrying the chain). */
export type NestedDispatch = (
  action: string,
  payload: unknown,
  options: object,
  chain: readonly string[],
) => Promise<void>

/**
 * Implementation of {@link ActionController} for one handler invocation.
 * @example
 * ```ts
 * const c = new PipelineController('save', 'save#1', state, token, chain, nested)
 * handler(state.payload, c)
 * ```
 */
export class PipelineController<A> implements ActionController<unknown, unknown, A> {
  /** Set when the handler used `return`/`setResult`, so its return value is not recorded twice. */
  explicit = false
  #signal: AbortSignal | undefined
  readonly #state: PipelineState<unknown>
  readonly #token: Cancellation
  readonly #chain: readonly string[]
  readonly #nested: NestedDispatch

  /**
   * @param action - action name
   * @param handlerId - handler id
   * @param state - shared pipeline state
   * @param token - this handler's cancellation
   * @param chain - dispatch chain for nested dispatches
   * @param nested - nested dispatch implementation
   */
  constructor(
    readonly action: string,
    readonly handlerId: string,
    state: PipelineState<unknown>,
    token: Cancellation,
    chain: readonly string[],
    nested: NestedDispatch,
  ) {
    this.#state = state
    this.#token = token
    this.#chain = chain
    this.#nested = nested
  }

  get signal(): AbortSignal {
    this.#signal ??= this.#token.toSignal()
    return this.#signal
  }

  getPayload(): unknown {
    return this.#state.payload
  }

  abort(reason = `aborted by handler "${this.handlerId}"`): void {
    if (this.#state.aborted) return
    this.#state.aborted = true
    this.#state.abortReason = reason
  }

  modifyPayload(fn: (payload: unknown) => unknown): void {
    this.#state.payload = fn(this.#state.payload)
  }

  return(result: unknown): unknown {
    this.explicit = true
    this.#state.terminated = true
    recordResult(this.#state, result)
    return result
  }

  setResult(result: unknown): void {
    this.explicit = true
    recordResult(this.#state, result)
  }

  getResults(): readonly unknown[] {
    return [...this.#state.results]
  }

  dispatch<K extends ActionName<A>>(action: K, ...args: PayloadArgs<A[K]>): Promise<void> {
    return this.#nested(action, args[0], args[1] ?? {}, this.#chain)
  }
}
