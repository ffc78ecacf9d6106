/**
 * The execution algorithm of one dispatch: sequential / parallel / race over a list of
 * handler entries. Knows nothing of action names, schemas, timing or controllers — the
 * registry hands it `start(entry)` (which runs one handler and never rejects) and a
 * shared `PipelineState` the handlers' controllers write to.
 */

/** How one handler invocation ended. `start` always resolves to one of these. */
export type Outcome =
  | { readonly kind: 'ok'; readonly value: unknown; readonly explicit: boolean }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'cancelled' }

/** Mutable state shared by the handlers (through their controllers) of one dispatch. */
export interface PipelineState<P> {
  payload: P
  aborted: boolean
  abortReason: string | undefined
  terminated: boolean
  results: unknown[]
  result: unknown
  errors: Error[]
  handlersRun: string[]
}

/** The part of a registration the algorithm needs. */
export interface Entry<P> {
  readonly id: string
  readonly blocking: boolean
  /**
   * Whether the entry should run for this payload (condition, once-claim, removal); an
   * `Error` when deciding failed (e.g. the condition threw) — reported as that entry's
   * failure, the entry does not run.
   */
  claim(payload: P): boolean | Error
}

/**
 * Create an empty pipeline state for `payload`.
 * @param payload - the (validated) payload
 * @returns a fresh state
 * @example
 * ```ts
 * const state = newPipelineState({ id: 1 })
 * ```
 */
export function newPipelineState<P>(payload: P): PipelineState<P> {
  return {
    payload,
    aborted: false,
    abortReason: undefined,
    terminated: false,
    results: [],
    result: undefined,
    errors: [],
    handlersRun: [],
  }
}

/**
 * Record a handler's result in the state.
 * @param state - pipeline state
 * @param value - the result (ignored when `undefined`)
 * @example
 * ```ts
 * recordResult(state, { saved: true })
 * ```
 */
export function recordResult<P>(state: PipelineState<P>, value: unknown): void {
  if (value === undefined) return
  state.results.push(value)
  state.result = value
}

function apply<P>(state: PipelineState<P>, outcome: Outcome): void {
  if (outcome.kind === 'ok' && !outcome.explicit) recordResult(state, outcome.value)
  else if (outcome.kind === 'failed') state.errors.push(outcome.error)
}

const stopped = <P>(state: PipelineState<P>) => state.aborted || state.terminated || state.errors.length > 0

/**
 * Run entries one after another (they arrive sorted by priority). A failure, an abort,
 * or `controller.return` stops the pipeline; non-blocking entries are started and
 * awaited at the end so their failures are still reported.
 * @param entries - handlers in run order
 * @param state - shared pipeline state
 * @param start - runs one entry; never rejects
 * @param cancelled - true once the dispatch's signal is aborted
 * @example
 * ```ts
 * await runSequential(entries, state, (e) => invoke(e), () => signal.aborted)
 * ```
 */
export async function runSequential<P, E extends Entry<P>>(
  entries: readonly E[],
  state: PipelineState<P>,
  start: (entry: E) => Promise<Outcome>,
  cancelled: () => boolean,
): Promise<void> {
  const background: Promise<void>[] = []
  for (const entry of entries) {
    if (stopped(state) || cancelled()) break
    const claimed = entry.claim(state.payload)
    if (claimed instanceof Error) state.errors.push(claimed)
    if (claimed !== true) continue
    state.handlersRun.push(entry.id)
    const running = start(entry)
    if (entry.blocking) apply(state, await running)
    else background.push(running.then((o) => apply(state, o)))
  }
  await Promise.all(background)
}

function startAll<P, E extends Entry<P>>(
  entries: readonly E[],
  state: PipelineState<P>,
  start: (entry: E) => Promise<Outcome>,
): Promise<Outcome>[] {
  const running: Promise<Outcome>[] = []
  for (const entry of entries) {
    const claimed = entry.claim(state.payload)
    if (claimed instanceof Error) running.push(Promise.resolve({ kind: 'failed', error: claimed }))
    if (claimed !== true) continue
    state.handlersRun.push(entry.id)
    running.push(start(entry))
  }
  return running
}

/**
 * Start every eligible entry at once with the same payload and wait for all of them.
 * @param entries - handlers
 * @param state - shared pipeline state
 * @param start - runs one entry; never rejects
 * @example
 * ```ts
 * await runParallel(entries, state, (e) => invoke(e))
 * ```
 */
export async function runParallel<P, E extends Entry<P>>(
  entries: readonly E[],
  state: PipelineState<P>,
  start: (entry: E) => Promise<Outcome>,
): Promise<void> {
  const running = startAll(entries, state, start)
  for (const outcome of await Promise.all(running)) apply(state, outcome)
}

/**
 * Start every eligible entry at once; the first to settle decides the dispatch, then
 * `loseRest` aborts the others' signals.
 * @param entries - handlers
 * @param state - shared pipeline state
 * @param start - runs one entry; never rejects
 * @param loseRest - called once a winner settled
 * @example
 * ```ts
 * await runRace(entries, state, (e) => invoke(e, raceSignal), () => raceController.abort('lost'))
 * ```
 */
export async function runRace<P, E extends Entry<P>>(
  entries: readonly E[],
  state: PipelineState<P>,
  start: (entry: E) => Promise<Outcome>,
  loseRest: () => void,
): Promise<void> {
  const running = startAll(entries, state, start)
  if (running.length === 0) return
  const winner = await Promise.race(running)
  loseRest()
  apply(state, winner)
}
