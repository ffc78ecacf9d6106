/**
 * Last-chance flushing of debounced writes: on `pagehide` and on `visibilitychange` to
 * hidden in browsers (the last events a page reliably gets, including on mobile and
 * before the back/forward cache), and on `exit`/`beforeExit` in Node. Listeners are
 * installed lazily, by the first store that has a pending write — importing this module
 * touches no globals.
 *
 * A flush is told whether this occasion is `final`. A page hidden in a browser may come
 * back, so a write that fails there registers again and the next hide retries it. At
 * process exit it must not: Node emits `beforeExit` again whenever a listener scheduled
 * work, so a failing asynchronous write that re-registered would keep the process alive
 * for ever.
 */

/** A last-chance flush; `final` when no later occasion will come (process exit). */
export type LastChanceFlush = (final: boolean) => void

const pending = new Set<LastChanceFlush>()
let installed = false

function flushAll(final: boolean): void {
  for (const flush of [...pending]) flush(final)
}

function install(): void {
  if (installed) return
  installed = true
  const g = globalThis as {
    addEventListener?: (type: string, fn: () => void) => void
    document?: { visibilityState?: string; addEventListener?: (type: string, fn: () => void) => void }
    process?: { once?: (event: string, fn: () => void) => void; on?: (event: string, fn: () => void) => void }
  }
  if (typeof g.addEventListener === 'function' && g.document) {
    g.addEventListener('pagehide', () => flushAll(false))
    g.document.addEventListener?.('visibilitychange', () => {
      if (g.document?.visibilityState === 'hidden') flushAll(false)
    })
  }
  if (typeof g.process?.on === 'function') {
    // `exit` runs synchronous work only: enough for sync engines (file, memory).
    g.process.on('exit', () => flushAll(true))
    g.process.on('beforeExit', () => flushAll(true))
  }
}

/**
 * Register a synchronous flush to run when the page hides or the process exits.
 *
 * @param flush starts the pending write (must not throw); its `final` argument is true at
 *   process exit, where a failed write must not register again
 * @returns unregister
 * @example
 * ```ts
 * const off = onLastChance(() => store.flush())
 * // after the write landed:
 * off()
 * ```
 */
export function onLastChance(flush: LastChanceFlush): () => void {
  install()
  pending.add(flush)
  return () => {
    pending.delete(flush)
  }
}

/**
 * Flush every pending debounced write now (what `pagehide` does: a write that fails
 * stays registered for the next occasion). Useful before a programmatic navigation or in
 * tests.
 *
 * @example
 * ```ts
 * flushAllPending()
 * ```
 */
export function flushAllPending(): void {
  flushAll(false)
}
