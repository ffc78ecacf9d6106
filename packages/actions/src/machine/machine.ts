/**
 * Finite state machines as core stores: typed states and events, guarded transitions
 * with context updates, and invalid events reported (thrown) instead of silently ignored.
 * The machine's snapshot `{ state, context }` lives in one signal, so `computed` and
 * `effect` compose with it like with any store.
 */
import { type ReadableStore, signal } from '@strata/core'
import { InvalidTransitionError } from '../errors.js'

/**
 * An event: a discriminated union member with a string `type`.
 * @example
 * ```ts
 * type Ev = { type: 'FETCH' } | { type: 'DONE'; data: string }
 * ```
 */
export interface MachineEvent {
  readonly type: string
}

/**
 * The value of a machine store.
 * @example
 * ```ts
 * machine.subscribe(({ state, context }) => render(state, context))
 * ```
 */
export interface MachineSnapshot<S extends string, C> {
  readonly state: S
  readonly context: C
}

/**
 * A transition: a target state, or a target with a guard and a context update.
 * @example
 * ```ts
 * const retry: Transition<'error' | 'loading', { type: 'RETRY' }, { tries: number }> =
 *   { target: 'loading', guard: (c) => c.tries < 3, assign: (c) => ({ tries: c.tries + 1 }) }
 * ```
 */
export type Transition<S extends string, E, C> =
  | S
  | {
      readonly target: S
      /** Refuse the event (InvalidTransitionError, reason 'guard') when this returns false. */
      readonly guard?: (context: C, event: E) => boolean
      /** The new context. */
      readonly assign?: (context: C, event: E) => C
    }

/**
 * Machine definition.
 * @example
 * ```ts
 * createMachine<'on' | 'off', { type: 'TOGGLE' }, null>({
 *   initial: 'off', context: null,
 *   states: { off: { on: { TOGGLE: 'on' } }, on: { on: { TOGGLE: 'off' } } },
 * })
 * ```
 */
export interface MachineConfig<S extends string, E extends MachineEvent, C> {
  /** Name used in error messages. */
  readonly name?: string
  readonly initial: S
  readonly context: C
  /** For each state, the events it accepts. Events not listed are invalid in that state. */
  readonly states: {
    readonly [K in S]: {
      readonly on?: { readonly [T in E['type']]?: Transition<S, Extract<E, { type: T }>, C> }
    }
  }
}

/**
 * A running machine: a read-only store of its snapshot plus `send`.
 * @example
 * ```ts
 * if (m.can({ type: 'FETCH' })) m.send({ type: 'FETCH' })
 * ```
 */
export interface Machine<S extends string, E extends MachineEvent, C>
  extends ReadableStore<MachineSnapshot<S, C>> {
  /** The underlying core node (for APIs that need a real core store). */
  readonly store: ReadableStore<MachineSnapshot<S, C>>
  /** Apply an event. Throws InvalidTransitionError (state unchanged) if it is not accepted now. */
  send(event: E): void
  /** Whether `send(event)` would be accepted now. */
  can(event: E): boolean
  /** Whether the machine is in `state` (tracked read). */
  matches(state: S): boolean
  /** Back to the initial state and context. */
  reset(): void
}

/**
 * Create a state machine store.
 *
 * Why: seed 002's `createFetchMachine` is a hand-written switch that silently ignores
 * events that do not apply (a late `SUCCESS` after `RETRY` just vanishes); here the
 * transitions are data, typed, and a wrong event is an error you see.
 * @param config - initial state, context and the transition table
 * @returns the {@link Machine}
 * @example
 * ```ts
 * type Ev = { type: 'FETCH' } | { type: 'DONE'; data: string }
 * const m = createMachine<'idle' | 'loading' | 'ok', Ev, { data: string | null }>({
 *   initial: 'idle', context: { data: null },
 *   states: {
 *     idle: { on: { FETCH: 'loading' } },
 *     loading: { on: { DONE: { target: 'ok', assign: (c, e) => ({ ...c, data: e.data }) } } },
 *     ok: { on: { FETCH: 'loading' } },
 *   },
 * })
 * m.send({ type: 'FETCH' })
 * ```
 */
export function createMachine<S extends string, E extends MachineEvent, C>(
  config: MachineConfig<S, E, C>,
): Machine<S, E, C> {
  const initial: MachineSnapshot<S, C> = { state: config.initial, context: config.context }
  const node = signal<MachineSnapshot<S, C>>(initial)
  const name = config.name ?? 'machine'

  const resolve = (
    event: E,
  ): { ok: true; next: MachineSnapshot<S, C> } | { ok: false; error: InvalidTransitionError } => {
    const { state, context } = node.peek()
    const table = config.states[state].on as Record<string, Transition<S, E, C> | undefined> | undefined
    // own keys only: an untrusted `{ type: 'toString' }` must not find Object.prototype's
    const transition = table && Object.hasOwn(table, event.type) ? table[event.type] : undefined
    if (transition === undefined)
      return { ok: false, error: new InvalidTransitionError(name, state, event.type, 'no-transition') }
    if (typeof transition === 'string') return { ok: true, next: { state: transition, context } }
    if (transition.guard && !transition.guard(context, event))
      return { ok: false, error: new InvalidTransitionError(name, state, event.type, 'guard') }
    return {
      ok: true,
      next: {
        state: transition.target,
        context: transition.assign ? transition.assign(context, event) : context,
      },
    }
  }

  return {
    store: node,
    get: () => node.get(),
    peek: () => node.peek(),
    subscribe: (fn) => node.subscribe(fn),
    listen: (fn) => node.listen(fn),
    send(event) {
      const r = resolve(event)
      if (!r.ok) throw r.error
      node.set(r.next)
    },
    can: (event) => resolve(event).ok,
    matches: (state) => node.get().state === state,
    reset: () => node.set(initial),
  }
}
