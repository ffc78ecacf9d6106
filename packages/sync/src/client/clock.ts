/**
 * The clock seam of the sync client: the only place it reads time or schedules work.
 * Production code uses `systemClock`; unit tests of a single unit pass a fake clock.
 */

/**
 * Handle returned by `Clock.setTimeout`, opaque to callers.
 *
 * @example
 * ```ts
 * const h: TimerHandle = systemClock.setTimeout(() => {}, 10)
 * systemClock.clearTimeout(h)
 * ```
 */
export type TimerHandle = unknown

/**
 * What the sync client needs from time: now, and one-shot timers.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as never) }
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  /** Cancels a timer from `setTimeout`; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void
}

/**
 * The real clock (`Date.now` and the global timers). Timers are `unref`ed in Node so a
 * pending reconnect never keeps a process alive on its own.
 *
 * @example
 * ```ts
 * const handle = systemClock.setTimeout(() => console.log('later'), 100)
 * systemClock.clearTimeout(handle)
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = globalThis.setTimeout(fn, ms) as unknown as { unref?: () => void }
    handle.unref?.()
    return handle
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0])
  },
}
