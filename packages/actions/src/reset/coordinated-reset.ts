/**
 * Coordinated reset (seed 000 "logout"): named steps with declared dependencies, run in
 * dependency order (a step after everything it depends on; declaration order otherwise),
 * each awaited; a failing step does not stop the others; a `running` flag store is true
 * for the whole run and blocks re-entry.
 */
import { batch, type ReadableStore, signal } from '@strata/core'
import { ResetCycleError, ResetError, ResetInProgressError } from '../errors.js'
import type { Resettable } from './resettable.js'

/**
 * One step: stores/objects to reset (together, in one batch) and/or a function to run.
 * @example
 * ```ts
 * const step: ResetStep = { dependsOn: ['auth'], reset: [team, memberships], run: () => cache.clear() }
 * ```
 */
export interface ResetStep {
  /** Steps that must run before this one. */
  readonly dependsOn?: readonly string[]
  /** Reset these together (observers see them change once). */
  readonly reset?: readonly Resettable[]
  /** Then run this (e.g. the server logout call). */
  readonly run?: () => void | Promise<void>
}

/**
 * Options of {@link coordinatedReset}.
 * @example
 * ```ts
 * coordinatedReset({ name: 'logout', steps: { auth: { reset: [user] } } })
 * ```
 */
export interface CoordinatedResetOptions<K extends string> {
  /** Name used in errors. */
  readonly name?: string
  /** The steps, by name. */
  readonly steps: { readonly [P in K]: ResetStep }
}

/**
 * A coordinated reset.
 * @example
 * ```ts
 * if (logout.running.get()) return null // block auto-login while logging out
 * ```
 */
export interface CoordinatedReset<K extends string> {
  /** True while `run()` is in progress — check it to block auto-login during logout. */
  readonly running: ReadableStore<boolean>
  /** The resolved step order. */
  readonly order: readonly K[]
  /**
   * Run every step in order; every target and `run` of every step is attempted. Rejects
   * with ResetInProgressError on re-entry, ResetError if steps failed (a step with several
   * failures: one AggregateError), or the error of a `running` listener that threw — after
   * every step ran; with several of these errors, one AggregateError of them all, the
   * ResetError first (decision 0003).
   */
  run(): Promise<void>
}

/**
 * Declare a coordinated reset.
 *
 * Why: seed 000 encodes the logout order in the order of lines in one function, with
 * flags set by hand and a `setTimeout` "to ensure propagation"; here order comes from
 * declared dependencies, the guard flag is automatic, and failures are reported.
 * @param options - `name`, `steps`
 * @returns the {@link CoordinatedReset}
 * @throws ResetCycleError when dependencies are unknown or cyclic
 * @example
 * ```ts
 * const logout = coordinatedReset({
 *   name: 'logout',
 *   steps: {
 *     auth: { reset: [curUser, session] },
 *     team: { dependsOn: ['auth'], reset: [selectedTeam] },
 *     server: { dependsOn: ['team'], run: () => api.logout() },
 *   },
 * })
 * await logout.run()
 * ```
 */
export function coordinatedReset<K extends string>(options: CoordinatedResetOptions<K>): CoordinatedReset<K> {
  const name = options.name ?? 'reset'
  const steps = options.steps as Record<K, ResetStep>
  const order = topologicalOrder(Object.keys(steps) as K[], (k) => steps[k].dependsOn ?? [])
  const running = signal(false)
  return {
    running,
    order,
    async run() {
      if (running.peek()) throw new ResetInProgressError(name)
      const failures: Array<{ step: string; error: unknown }> = []
      // A `running` listener that throws (e.g. a UI glitch) must not stop the reset: core
      // keeps the new flag value, and its error is re-thrown after every step ran
      // (decision 0003), as `store.set` throws it to the writer.
      const observerErrors: unknown[] = []
      const flag = (value: boolean) => {
        try {
          running.set(value)
        } catch (error) {
          observerErrors.push(error)
        }
      }
      flag(true)
      try {
        for (const key of order) {
          const step = steps[key]
          // Every target and the step's `run` are attempted even if one of them throws
          // (a failed cache clear must not skip the server logout).
          const errors: unknown[] = []
          const attempt = (fn: () => void) => {
            try {
              fn()
            } catch (error) {
              errors.push(error)
            }
          }
          attempt(() =>
            batch(() => {
              for (const target of step.reset ?? []) attempt(() => target.reset())
            }),
          )
          try {
            await step.run?.()
          } catch (error) {
            errors.push(error)
          }
          if (errors.length)
            failures.push({
              step: key,
              error: errors.length > 1 ? new AggregateError(errors, `${errors.length} failures`) : errors[0],
            })
        }
      } finally {
        flag(false)
      }
      const errors = failures.length ? [new ResetError(name, failures), ...observerErrors] : observerErrors
      if (errors.length)
        throw errors.length > 1 ? new AggregateError(errors, `${errors.length} failures`) : errors[0]
    },
  }
}

/** Kahn's algorithm, taking ready steps in declaration order so the result is stable. */
function topologicalOrder<K extends string>(keys: readonly K[], deps: (k: K) => readonly string[]): K[] {
  for (const k of keys)
    for (const d of deps(k))
      if (!keys.includes(d as K)) throw new ResetCycleError(`"${k}" depends on unknown "${d}"`)
  const done = new Set<K>()
  const result: K[] = []
  while (result.length < keys.length) {
    const next = keys.find((k) => !done.has(k) && deps(k).every((d) => done.has(d as K)))
    if (next === undefined)
      throw new ResetCycleError(
        `cycle among ${keys
          .filter((k) => !done.has(k))
          .map((k) => `"${k}"`)
          .join(', ')}`,
      )
    done.add(next)
    result.push(next)
  }
  return result
}
