/**
 * Types of the action registry: the action map, handlers, their controller, options and
 * the dispatch report. No runtime code lives here.
 *
 * Glossary: an *action map* is an interface `{ actionName: PayloadType }`; an optional
 * *result map* `{ actionName: ResultType }` types what handlers return.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'

/**
 * How the handlers of one action run.
 * - `sequential`: by priority, one after another; a failure stops the pipeline.
 * - `parallel`: all at once with the same payload; every failure is reported.
 * - `race`: all at once; the first to settle decides, the others' signals are aborted.
 * @example
 * ```ts
 * createActions<Acts>({ actions: { fetchFromMirrors: { mode: 'race' } } })
 * ```
 */
export type ExecutionMode = 'sequential' | 'parallel' | 'race'

/**
 * Action names of a map (string keys only).
 * @example
 * ```ts
 * type Names = ActionName<{ save: Draft; logout: undefined }> // 'save' | 'logout'
 * ```
 */
export type ActionName<A> = Extract<keyof A, string>

/**
 * The result type a handler of action `K` returns: from the result map, else `unknown`.
 * @example
 * ```ts
 * type R = ResultOf<{ total: number }, 'total'> // number
 * ```
 */
export type ResultOf<RM, K> = K extends keyof RM ? RM[K] : unknown

/**
 * Arguments after the action name: the payload is optional when it may be `undefined`/`void`.
 * @example
 * ```ts
 * type A = PayloadArgs<undefined> // [payload?: undefined, options?: DispatchOptions]
 * ```
 */
export type PayloadArgs<P> = undefined extends P
  ? [payload?: P, options?: DispatchOptions]
  : [payload: P, options?: DispatchOptions]

/**
 * Options of one dispatch.
 * @example
 * ```ts
 * await actions.dispatch('search', { q }, { signal: AbortSignal.timeout(5000) })
 * ```
 */
export interface DispatchOptions {
  /**
   * Cancels the dispatch: no further handler starts; the report says `aborted`. An
   * already-aborted dispatch uses up no throttle window and supersedes no debounced one.
   */
  readonly signal?: AbortSignal
}

/**
 * Handed to every handler: controls the pipeline of this one dispatch.
 * @typeParam P - payload type
 * @typeParam R - result type
 * @typeParam A - the registry's action map (for nested dispatch)
 * @example
 * ```ts
 * actions.register('save', async (draft, c) => {
 *   if (!draft.title) return c.abort('Title required')
 *   await fetch('/api/save', { method: 'POST', body: JSON.stringify(draft), signal: c.signal })
 * })
 * ```
 */
export interface ActionController<P, R, A> {
  /** The action being dispatched. */
  readonly action: string
  /** This handler's id. */
  readonly handlerId: string
  /** Aborted when the dispatch is cancelled, this handler times out, or (race) another handler won. */
  readonly signal: AbortSignal
  /** The current payload (after earlier handlers' `modifyPayload`). */
  getPayload(): P
  /** Stop the pipeline; the dispatch reports `aborted: true` with this reason. Not an error. */
  abort(reason?: string): void
  /** Replace the payload later handlers receive. */
  modifyPayload(fn: (payload: P) => P): void
  /** Finish the pipeline now with `result`; later handlers do not run. */
  return(result: R): R
  /** Record a result and continue. */
  setResult(result: R): void
  /** Results recorded so far in this dispatch. */
  getResults(): readonly R[]
  /**
   * Dispatch another action as part of this one: the dispatch chain (and so loop
   * detection) follows across `await`s, which a plain `registry.dispatch` after an
   * `await` cannot know about.
   */
  dispatch<K extends ActionName<A>>(action: K, ...args: PayloadArgs<A[K]>): Promise<void>
}

/**
 * A handler: may return a result (sync or async).
 * @example
 * ```ts
 * const onSave: ActionHandler<Draft, void, Acts> = (draft) => drafts.set(draft)
 * ```
 */
export type ActionHandler<P, R, A> = (
  payload: P,
  controller: ActionController<P, R, A>,
  // biome-ignore lint/suspicious/noConfusingVoidType: handlers that return nothing are the common case
) => R | void | Promise<R | void>

/**
 * Options of one handler registration.
 * @example
 * ```ts
 * actions.register('save', audit, { id: 'audit', priority: -10, blocking: false })
 * ```
 */
export interface HandlerOptions<P> {
  /** Higher runs first (sequential). Default 0; ties run in registration order. */
  readonly priority?: number
  /** Stable id (reported in `handlersRun` and errors). Default `<action>#<n>`. */
  readonly id?: string
  /** Remove the handler after it runs once. */
  readonly once?: boolean
  /**
   * Sequential mode only: `true` (default) waits for this handler before the next starts;
   * `false` starts it and moves on (it is still awaited, and its errors reported, before
   * the dispatch settles).
   */
  readonly blocking?: boolean
  /**
   * Skip this handler for payloads where this returns false. If it throws, the handler
   * does not run and counts as failed (`ActionHandlerError`, `cause` = what it threw).
   */
  readonly condition?: (payload: P) => boolean
  /** Per-handler timeout in ms (overrides the action's and the registry's). */
  readonly timeout?: number
}

/**
 * Per-action configuration given to {@link createActions}.
 * @example
 * ```ts
 * createActions<Acts>({ actions: { search: { schema: SearchSchema, debounce: 300, timeout: 5000 } } })
 * ```
 */
export interface ActionConfig<P> {
  /** Validates (and may transform) every payload before any handler runs. */
  readonly schema?: StandardSchemaV1<unknown, P>
  /** How handlers run. Default: the registry's `mode`. */
  readonly mode?: ExecutionMode
  /** Collapse bursts: run only the last dispatch of a burst, `debounce` ms after it. */
  readonly debounce?: number
  /** Run at most one dispatch per `throttle` ms (leading edge); the rest report aborted. */
  readonly throttle?: number
  /** Handler timeout in ms for this action. */
  readonly timeout?: number
}

/**
 * Options of {@link createActions}.
 * @example
 * ```ts
 * createActions<Acts>({ name: 'app', mode: 'sequential', timeout: 10_000, maxDepth: 8, onLateError: report })
 * ```
 */
export interface RegistryOptions<A> {
  /** Name used in messages. */
  readonly name?: string
  /** Per-action schema, mode, debounce/throttle, timeout. */
  readonly actions?: { readonly [K in ActionName<A>]?: ActionConfig<A[K]> }
  /** Default execution mode. Default `'sequential'`. */
  readonly mode?: ExecutionMode
  /** Default handler timeout in ms. Default 30 000. `Infinity` disables. */
  readonly timeout?: number
  /** Maximum re-entrant dispatch depth before `ActionLoopError`. Default 16. */
  readonly maxDepth?: number
  /**
   * Receives errors that happen after their dispatch already settled (a race loser that
   * failed, a handler that failed after it timed out) — so none is silently lost.
   * Default: `console.error`.
   */
  readonly onLateError?: (error: Error) => void
}

/**
 * What {@link ActionRegistry.dispatchWithResult} reports.
 * @example
 * ```ts
 * const r = await actions.dispatchWithResult('checkout', order)
 * if (r.success) show(r.result) else if (r.aborted) toast(r.abortReason) else report(r.errors)
 * ```
 */
export interface DispatchResult<R> {
  /** The action dispatched. */
  readonly action: string
  /** True when no handler failed and nothing aborted. */
  readonly success: boolean
  /** True when a handler called `abort`, the signal was aborted, or debounce/throttle dropped the dispatch. */
  readonly aborted: boolean
  /** The abort reason, when aborted. */
  readonly abortReason: string | undefined
  /** True when a handler called `controller.return`. */
  readonly terminated: boolean
  /** The last result recorded (`return`, `setResult`, or a handler's return value). */
  readonly result: R | undefined
  /** Every result recorded, in order. */
  readonly results: readonly R[]
  /** Every error: typed (`ActionHandlerError`, `ActionTimeoutError`, …), never swallowed. */
  readonly errors: readonly Error[]
  /** The first of `errors`, if any. */
  readonly error: Error | undefined
  /** Milliseconds from dispatch to settle (including debounce wait). */
  readonly duration: number
  /** Ids of the handlers that ran, in start order. */
  readonly handlersRun: readonly string[]
}
