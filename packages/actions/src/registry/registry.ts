/**
 * The typed action registry: registration, dispatch entry checks (unknown action, loop
 * depth, schema, debounce/throttle, cancellation), per-handler invocation (controller,
 * timeout, error wrapping) and the dispatch report. The ordering algorithm of the modes
 * lives in `execution.ts`; chain tracking for loop detection in `chain.ts`.
 */
import {
  ActionHandlerError,
  ActionLoopError,
  ActionTimeoutError,
  ActionValidationError,
  DuplicateHandlerError,
  UnknownActionError,
} from '../errors.js'
import { validateWith } from '../schema.js'
import { Cancellation } from '../cancellation.js'
import { currentChain, withChain } from './chain.js'
import { PipelineController } from './controller.js'
import {
  type Entry,
  newPipelineState,
  type Outcome,
  type PipelineState,
  runParallel,
  runRace,
  runSequential,
} from './execution.js'
import type {
  ActionConfig,
  ActionController,
  ActionHandler,
  ActionName,
  DispatchOptions,
  DispatchResult,
  HandlerOptions,
  PayloadArgs,
  RegistryOptions,
  ResultOf,
} from './types.js'

interface Registration<P> extends Entry<P> {
  readonly action: string
  readonly handler: (payload: P, controller: ActionController<P, unknown, unknown>) => unknown
  readonly priority: number
  readonly order: number
  readonly once: boolean
  readonly condition: ((payload: P) => boolean) | undefined
  readonly timeout: number | undefined
  removed: boolean
}

const now = () => performance.now()
const reasonText = (reason: unknown) =>
  reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason)
const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function'

/**
 * A typed registry of actions. Handlers register per action; `dispatch` runs them as a
 * pipeline. Created with {@link createActions}.
 * @typeParam A - action map `{ name: payload }`
 * @typeParam RM - optional result map `{ name: result }`
 * @example
 * ```ts
 * const actions: ActionRegistry<{ save: Draft }> = createActions<{ save: Draft }>()
 * ```
 */
export class ActionRegistry<A extends object, RM extends object = Record<never, never>> {
  readonly #handlers = new Map<string, Registration<unknown>[]>()
  readonly #options: RegistryOptions<A>
  readonly #lastRun = new Map<string, number>()
  /** Per action, the dispatches waiting out their debounce (oldest first) and the one timer. */
  readonly #debounced = new Map<
    string,
    { timer: ReturnType<typeof setTimeout> | undefined; queue: Array<(superseded: boolean) => void> }
  >()
  #seq = 0
  readonly #nested = (action: string, payload: unknown, options: DispatchOptions, chain: readonly string[]) =>
    this.#run(action, payload, options, chain).then((r) => {
      if (r.errors.length === 1) throw r.errors[0]
      if (r.errors.length > 1)
        throw new AggregateError(r.errors, `Action "${action}": ${r.errors.length} handlers failed`)
    })

  /** @param options - see {@link RegistryOptions} */
  constructor(options: RegistryOptions<A> = {}) {
    this.#options = options
  }

  /**
   * Register a handler for `action`.
   *
   * Why: business logic lives in handlers, decoupled from who dispatches.
   * @param action - action name (typed by the action map)
   * @param handler - `(payload, controller) => result | void`, sync or async
   * @param options - priority, id, once, blocking, condition, timeout
   * @returns a function that unregisters this handler
   * @throws DuplicateHandlerError when `options.id` is already used for this action
   * @example
   * ```ts
   * const off = actions.register('rename', (p, c) => {
   *   if (!p.name.trim()) return c.abort('Name cannot be empty')
   *   user.update((u) => ({ ...u, name: p.name }))
   * }, { priority: 10 })
   * off()
   * ```
   */
  register<K extends ActionName<A>>(
    action: K,
    handler: ActionHandler<A[K], ResultOf<RM, K>, A>,
    options: HandlerOptions<A[K]> = {},
  ): () => void {
    const list = this.#handlers.get(action) ?? []
    const id = options.id ?? `${action}#${++this.#seq}`
    if (list.some((r) => r.id === id)) throw new DuplicateHandlerError(action, id)
    const registration: Registration<A[K]> = {
      action,
      id,
      handler: handler as Registration<A[K]>['handler'],
      priority: options.priority ?? 0,
      order: ++this.#seq,
      once: options.once ?? false,
      blocking: options.blocking ?? true,
      condition: options.condition,
      timeout: options.timeout,
      removed: false,
      claim(payload) {
        if (this.removed) return false
        try {
          if (this.condition && !this.condition(payload)) return false
        } catch (cause) {
          // a condition that throws is its handler failing, not a rejected dispatch
          return new ActionHandlerError(action, id, cause)
        }
        if (this.once) remove()
        return true
      },
    }
    const remove = () => {
      registration.removed = true
      const current = this.#handlers.get(action)
      if (!current) return
      const next = current.filter((r) => r !== registration)
      if (next.length) this.#handlers.set(action, next)
      else this.#handlers.delete(action)
    }
    const next = [...list, registration as Registration<unknown>]
    next.sort((a, b) => b.priority - a.priority || a.order - b.order)
    this.#handlers.set(action, next)
    return remove
  }

  /**
   * Number of handlers registered for `action`.
   * @param action - action name
   * @returns the handler count
   * @example
   * ```ts
   * actions.handlerCount('rename') // 1
   * ```
   */
  handlerCount(action: ActionName<A>): number {
    return this.#handlers.get(action)?.length ?? 0
  }

  /**
   * Dispatch `action` and wait for its pipeline. Resolves when it succeeded or a handler
   * aborted it (an abort is a business outcome, not an error); rejects with the typed
   * error for bad input (unknown action, schema failure, loop, timeout) and for handler
   * failures (`AggregateError` of them when several failed in parallel).
   * @param action - action name
   * @param args - the payload (optional when it may be undefined), then dispatch options
   * @returns a promise settled when the pipeline finished
   * @example
   * ```ts
   * await actions.dispatch('rename', { name: 'Ada' })
   * await actions.dispatch('logout') // void payload
   * ```
   */
  dispatch<K extends ActionName<A>>(action: K, ...args: PayloadArgs<A[K]>): Promise<void> {
    return this.#nested(action, args[0], args[1] ?? {}, currentChain())
  }

  /**
   * Dispatch `action` and get the full report instead of a rejection: success, aborted +
   * reason, result(s), errors, duration, handlers run. Never rejects.
   * @param action - action name
   * @param args - the payload, then dispatch options
   * @returns the {@link DispatchResult}
   * @example
   * ```ts
   * const r = await actions.dispatchWithResult('checkout', { method: 'card' })
   * if (r.aborted) toast(r.abortReason)
   * else if (!r.success) report(r.errors)
   * ```
   */
  async dispatchWithResult<K extends ActionName<A>>(
    action: K,
    ...args: PayloadArgs<A[K]>
  ): Promise<DispatchResult<ResultOf<RM, K>>> {
    return (await this.#run(action, args[0], args[1] ?? {}, currentChain())) as DispatchResult<
      ResultOf<RM, K>
    >
  }

  async #run(
    action: string,
    input: unknown,
    options: DispatchOptions,
    chain: readonly string[],
  ): Promise<DispatchResult<unknown>> {
    const started = now()
    const state = newPipelineState<unknown>(input)
    const finish = () => report(action, state, started)
    const fail = (error: Error) => {
      state.errors.push(error)
      return finish()
    }
    const drop = (reason: string) => {
      state.aborted = true
      state.abortReason = reason
      return finish()
    }

    const maxDepth = this.#options.maxDepth ?? 16
    if (chain.length >= maxDepth) return fail(new ActionLoopError(action, chain, maxDepth))
    if (!this.#handlers.get(action)?.length) return fail(new UnknownActionError(action))
    const config = (this.#options.actions as Record<string, ActionConfig<unknown> | undefined> | undefined)?.[
      action
    ]
    if (config?.schema) {
      let checked: Awaited<ReturnType<typeof validateWith>>
      try {
        checked = await validateWith(config.schema, input)
      } catch (cause) {
        // The schema itself threw: the payload could not be validated. Reported, never rejected.
        const error = new ActionValidationError(action, [
          { message: `the schema threw: ${reasonText(cause)}` },
        ])
        error.cause = cause
        return fail(error)
      }
      if (!checked.ok) return fail(new ActionValidationError(action, checked.issues))
      state.payload = checked.value
    }
    // An aborted dispatch stops here: it must not use up the throttle window nor
    // supersede a debounced dispatch that is waiting.
    if (options.signal?.aborted) return drop(reasonText(options.signal.reason))
    if (config?.throttle !== undefined) {
      const last = this.#lastRun.get(action)
      if (last !== undefined && now() - last < config.throttle)
        return drop(`throttled (${config.throttle} ms)`)
      this.#lastRun.set(action, now())
    }
    if (config?.debounce !== undefined && (await this.#debounce(action, config.debounce, options.signal)))
      return drop(
        options.signal?.aborted
          ? reasonText(options.signal.reason)
          : 'debounced: superseded by a later dispatch',
      )
    if (options.signal?.aborted) return drop(reasonText(options.signal.reason))

    const cancel = new Cancellation()
    const forward = () => cancel.abort(options.signal?.reason)
    options.signal?.addEventListener('abort', forward, { once: true })
    const entries = [...(this.#handlers.get(action) ?? [])]
    const childChain = [...chain, action]
    const timeout = config?.timeout ?? this.#options.timeout ?? 30_000
    const invoke = (entry: Registration<unknown>, parent: Cancellation) =>
      this.#invoke(entry, state, parent, childChain, entry.timeout ?? timeout)
    try {
      const mode = config?.mode ?? this.#options.mode ?? 'sequential'
      if (mode === 'sequential') {
        await runSequential(
          entries,
          state,
          (e) => invoke(e, cancel),
          () => cancel.aborted,
        )
      } else if (mode === 'parallel') {
        await runParallel(entries, state, (e) => invoke(e, cancel))
      } else {
        const race = new Cancellation()
        const unfollow = cancel.onAbort(() => race.abort(cancel.reason))
        await runRace(
          entries,
          state,
          (e) => invoke(e, race),
          () => race.abort('lost the race'),
        )
        unfollow()
      }
    } finally {
      options.signal?.removeEventListener('abort', forward)
    }
    if (cancel.aborted && !state.aborted) {
      state.aborted = true
      state.abortReason = reasonText(cancel.reason)
    }
    return finish()
  }

  /**
   * Resolves `true` when this dispatch was superseded (or cancelled) during its wait.
   * The last waiting dispatch runs `ms` after it came; the earlier ones are superseded
   * only then. One cancelled while it was the last hands the turn back to the one
   * before it, which waits `ms` again — a cancelled dispatch never loses another's work.
   */
  #debounce(action: string, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    const wait = this.#debounced.get(action) ?? { timer: undefined, queue: [] }
    this.#debounced.set(action, wait)
    const arm = () => {
      clearTimeout(wait.timer)
      wait.timer = setTimeout(() => {
        const queue = wait.queue
        wait.queue = []
        const last = queue.pop()
        for (const leave of queue) leave(true)
        last?.(false)
      }, ms)
    }
    return new Promise((resolve) => {
      const leave = (superseded: boolean) => {
        signal?.removeEventListener('abort', onAbort)
        resolve(superseded)
      }
      const onAbort = () => {
        const last = wait.queue.at(-1) === leave
        wait.queue.splice(wait.queue.indexOf(leave), 1)
        leave(true)
        if (last && wait.queue.length) arm()
      }
      wait.queue.push(leave)
      signal?.addEventListener('abort', onAbort, { once: true })
      arm()
    })
  }

  #invoke(
    entry: Registration<unknown>,
    state: PipelineState<unknown>,
    parent: Cancellation,
    chain: readonly string[],
    timeout: number,
  ): Promise<Outcome> {
    const own = new Cancellation()
    const unlink = parent.onAbort(() => own.abort(parent.reason))
    const controller = new PipelineController<A>(entry.action, entry.id, state, own, chain, this.#nested)
    const failed = (cause: unknown): Outcome => ({
      kind: 'failed',
      error: new ActionHandlerError(entry.action, entry.id, cause),
    })
    let returned: unknown
    try {
      returned = withChain(chain, () =>
        entry.handler(state.payload, controller as ActionController<unknown, unknown, unknown>),
      )
    } catch (error) {
      unlink()
      return Promise.resolve(failed(error))
    }
    if (!isThenable(returned)) {
      unlink()
      return Promise.resolve({ kind: 'ok', value: returned, explicit: controller.explicit })
    }
    return new Promise<Outcome>((resolve) => {
      let done = false
      const finish = (outcome: Outcome) => {
        if (done) return
        done = true
        if (timer !== undefined) clearTimeout(timer)
        unlink()
        stopWatching()
        resolve(outcome)
      }
      const timer = Number.isFinite(timeout)
        ? setTimeout(() => {
            const error = new ActionTimeoutError(entry.action, entry.id, timeout)
            own.abort(error)
            finish({ kind: 'failed', error })
          }, timeout)
        : undefined
      const stopWatching = parent.onAbort(() => finish({ kind: 'cancelled' }))
      if (parent.aborted) finish({ kind: 'cancelled' })
      returned.then(
        (value) => finish({ kind: 'ok', value, explicit: controller.explicit }),
        (error: unknown) => {
          if (!done) return finish(failed(error))
          // The dispatch already settled without this handler; a failure that is not just
          // the handler honouring its aborted signal must still reach someone.
          if (own.aborted && error === own.reason) return
          const late = failed(error)
          if (late.kind === 'failed') (this.#options.onLateError ?? console.error)(late.error)
        },
      )
    })
  }
}

function report(action: string, state: PipelineState<unknown>, started: number): DispatchResult<unknown> {
  return {
    action,
    success: !state.aborted && state.errors.length === 0,
    aborted: state.aborted,
    abortReason: state.abortReason,
    terminated: state.terminated,
    result: state.result,
    results: state.results,
    errors: state.errors,
    error: state.errors[0],
    duration: now() - started,
    handlersRun: state.handlersRun,
  }
}

/**
 * Create a typed action registry.
 *
 * Why: one place where business logic is registered and dispatched, with payload
 * validation, ordering, cancellation, timeouts and loop detection handled once.
 * @typeParam A - action map `{ name: payload }` (use `void` for no payload)
 * @typeParam RM - optional result map `{ name: result }`
 * @param options - per-action schema/mode/timing, defaults, loop depth
 * @returns an {@link ActionRegistry}
 * @example
 * ```ts
 * interface AppActions { rename: { name: string }; logout: void }
 * const actions = createActions<AppActions>({ actions: { rename: { schema: z.object({ name: z.string() }) } } })
 * actions.register('rename', (p) => user.update((u) => ({ ...u, name: p.name })))
 * await actions.dispatch('rename', { name: 'Ada' })
 * ```
 */
export function createActions<A extends object, RM extends object = Record<never, never>>(
  options: RegistryOptions<A> = {},
): ActionRegistry<A, RM> {
  return new ActionRegistry<A, RM>(options)
}
