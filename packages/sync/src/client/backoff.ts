/**
 * Reconnect policy: jittered exponential backoff. Owns how long to wait before the next
 * connection attempt and the timer that waits; knows nothing of sockets or stores.
 *
 * Why jitter: when a server restarts, every client loses its socket at the same instant.
 * Without jitter they would all retry in lock-step and hit the server together on every
 * round ("thundering herd"). "Equal jitter" keeps half the exponential delay fixed (so a
 * client never retries too eagerly) and randomises the other half.
 */
import type { Clock, TimerHandle } from './clock.js'
import { SyncConfigError } from '../errors.js'

/**
 * Tuning of the backoff; every field has a default.
 *
 * @example
 * ```ts
 * const backoff: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 30_000, jitter: 0.5 }
 * createSyncClient({ store, url, backoff })
 * ```
 */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default 100. */
  initialDelayMs?: number
  /** Upper bound of any delay, in ms. Default 10 000. */
  maxDelayMs?: number
  /** Growth factor per failed attempt. Default 2. */
  factor?: number
  /** Share of the delay that is random, 0..1. Default 0.5 ("equal jitter"). */
  jitter?: number
  /** Source of randomness in [0, 1). Default `Math.random`. */
  random?: () => number
}

const defaults = { initialDelayMs: 100, maxDelayMs: 10_000, factor: 2, jitter: 0.5 }

/**
 * The delay before retry number `attempt` (0-based): `min(max, initial·factor^attempt)`,
 * of which a `jitter` share is replaced by a uniformly random amount.
 *
 * @param attempt - how many attempts have failed in a row before this one (0 for the first retry)
 * @param options - tuning; see {@link BackoffOptions}
 * @returns the delay in milliseconds, in `[base·(1-jitter), base]`
 * @example
 * ```ts
 * backoffDelay(0, { random: () => 0 })   // 50  (half of 100 is jitter)
 * backoffDelay(3, { jitter: 0 })          // 800
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? defaults.initialDelayMs
  const max = options.maxDelayMs ?? defaults.maxDelayMs
  const factor = options.factor ?? defaults.factor
  const jitter = options.jitter ?? defaults.jitter
  const random = options.random ?? Math.random
  const base = Math.min(max, initial * factor ** Math.max(0, attempt))
  return Math.round(base * (1 - jitter) + base * jitter * random())
}

/**
 * Checks backoff options up front so a bad value fails at `createSyncClient`, not at
 * the first network error.
 *
 * @param options - the options to check
 * @returns nothing; throws {@link SyncConfigError} naming the wrong field
 * @example
 * ```ts
 * validateBackoffOptions({ jitter: 2 }) // throws SyncConfigError('backoff.jitter', …)
 * ```
 */
export function validateBackoffOptions(options: BackoffOptions): void {
  const positive = (name: keyof BackoffOptions, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
      throw new SyncConfigError(`backoff.${name}`, `must be a positive finite number, got ${String(v)}`)
    }
  }
  positive('initialDelayMs', options.initialDelayMs)
  positive('maxDelayMs', options.maxDelayMs)
  if (options.factor !== undefined && !(Number.isFinite(options.factor) && options.factor >= 1)) {
    throw new SyncConfigError('backoff.factor', `must be a finite number >= 1, got ${String(options.factor)}`)
  }
  if (options.jitter !== undefined && !(options.jitter >= 0 && options.jitter <= 1)) {
    throw new SyncConfigError('backoff.jitter', `must be between 0 and 1, got ${String(options.jitter)}`)
  }
}

/**
 * A retry timer driven by {@link backoffDelay}.
 *
 * @example
 * ```ts
 * const retry: Reconnector = createReconnector(connect, { clock: systemClock })
 * if (!retry.scheduled) retry.schedule()
 * ```
 */
export interface Reconnector {
  /** Schedules `run` after the next backoff delay (replacing a scheduled one); returns the delay. */
  schedule(): number
  /** Resets the attempt counter after a successful connection. */
  reset(): void
  /** Cancels a scheduled retry. */
  cancel(): void
  /** Failed attempts in a row so far. */
  readonly attempt: number
  /** True while a retry is scheduled. */
  readonly scheduled: boolean
}

/**
 * Creates the retry timer of a connection: each `schedule()` waits one delay longer than
 * the previous (up to the cap) and then calls `run`; `reset()` after a successful
 * connection starts over from the initial delay.
 *
 * @param run - called when a scheduled delay elapses (opens the next connection)
 * @param options - backoff tuning and the clock (default: the system clock)
 * @returns a {@link Reconnector}
 * @example
 * ```ts
 * const retry = createReconnector(() => connect(), { clock: systemClock })
 * socket.onclose = () => retry.schedule()
 * socket.onopen = () => retry.reset()
 * ```
 */
export function createReconnector(run: () => void, options: BackoffOptions & { clock: Clock }): Reconnector {
  validateBackoffOptions(options)
  const { clock } = options
  let attempt = 0
  let timer: TimerHandle | undefined
  let scheduled = false
  const cancel = () => {
    if (scheduled) clock.clearTimeout(timer)
    scheduled = false
    timer = undefined
  }
  return {
    schedule() {
      cancel()
      const delay = backoffDelay(attempt, options)
      attempt++
      scheduled = true
      timer = clock.setTimeout(() => {
        scheduled = false
        timer = undefined
        run()
      }, delay)
      return delay
    },
    reset() {
      attempt = 0
    },
    cancel,
    get attempt() {
      return attempt
    },
    get scheduled() {
      return scheduled
    },
  }
}
