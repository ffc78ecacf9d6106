/**
 * A minimal cancellation token for the pipeline's and transactions' internal plumbing. `AbortController` +
 * `addEventListener` cost ~15 µs per pair on Node 20 (EventTarget), which dominated a
 * dispatch; handlers still get a real `AbortSignal`, created lazily only when a handler
 * reads `controller.signal` (see bench/RESULTS-actions.md).
 */
export class Cancellation {
  /** True once aborted. */
  aborted = false
  /** The abort reason. */
  reason: unknown = undefined
  #listeners: Array<() => void> | undefined

  /**
   * Abort (once) and notify listeners.
   * @param reason - why
   * @example
   * ```ts
   * token.abort('lost the race')
   * ```
   */
  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const listeners = this.#listeners
    this.#listeners = undefined
    if (listeners) for (const listener of listeners) listener()
  }

  /**
   * Call `fn` when aborted (never if already aborted — check `aborted` first).
   * @param fn - listener
   * @returns a function removing the listener
   * @example
   * ```ts
   * const off = token.onAbort(() => cleanup()); off()
   * ```
   */
  onAbort(fn: () => void): () => void {
    if (this.aborted) return noop
    const listeners = (this.#listeners ??= [])
    listeners.push(fn)
    return () => {
      const i = listeners.indexOf(fn)
      if (i >= 0) listeners.splice(i, 1)
    }
  }

  /**
   * A real `AbortSignal` following this token (for handlers and `fetch`).
   * @returns an AbortSignal aborted with this token's reason
   * @example
   * ```ts
   * fetch(url, { signal: token.toSignal() })
   * ```
   */
  toSignal(): AbortSignal {
    const controller = new AbortController()
    if (this.aborted) controller.abort(this.reason)
    else this.onAbort(() => controller.abort(this.reason))
    return controller.signal
  }
}

const noop = () => {}
