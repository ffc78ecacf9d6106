/**
 * Last-chance flushing of debounced writes: on `pagehide` and on `visibilitychange` to
 * hidden in browsers (the last events a page reliably gets, including on mobile and
 * before the back/forward cache), and on `exit`/`beforeExit` in Node. Listeners are
 * installed lazily, by the first store that has a pending write — importing this module
 * touches no globals.
 */

const pending = new Set<() => void>()
let installed = false

function flushAll(): void {
  for (const flush of [...pending]) flush()
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
    g.addEventListener('pagehide', flushAll)
    g.document.addEventListener?.('visibilitychange', () => {
      if (g.document?.visibilityState === 'hidden') flushAll()
    })
  }
  if (typeof g.process?.on === 'function') {
    // `exit` runs synchronous work only: enough for sync engines (file, memory).
    g.process.on('exit', flushAll)
    g.process.on('beforeExit', flushAll)
  }
}

/**
 * Register a synchronous flush to run when the page hides or the process exits.
 *
 * @param flush starts the pending write (must not throw)
 * @returns unregister
 * @example
 * ```ts
 * const off = onLastChance(() => store.flush())
 * // after the write landed:
 * off()
 * ```
 */
export function onLastChance(flush: () => void): () => void {
  install()
  pending.add(flush)
  return () => {
    pending.delete(flush)
  }
}

/**
 * Flush every pending debounced write now (what `pagehide` does). Useful before a
 * programmatic navigation or in tests.
 *
 * @example
 * ```ts
 * flushAllPending()
 * ```
 */
export function flushAllPending(): void {
  flushAll()
}
