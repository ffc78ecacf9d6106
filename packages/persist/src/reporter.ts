/**
 * Error reporting shared by persistent stores: the `errors` store (recent errors, newest
 * last), `onError` listeners and the `onError` option. Nothing is logged to the console
 * behind the app's back; an app that wants logs subscribes.
 */
import { type ReadableStore, signal } from '@strata/core'
import type { PersistError } from './errors.js'

const KEEP = 20

/** Collects errors for one persistent store. */
export interface Reporter {
  readonly errors: ReadableStore<readonly PersistError[]>
  report(error: PersistError): void
  onError(fn: (error: PersistError) => void): () => void
}

/**
 * Create a reporter.
 *
 * @param option the store's `onError` option, called for every error
 * @returns a {@link Reporter}
 * @example
 * ```ts
 * const r = createReporter((e) => console.warn(e.message))
 * ```
 */
export function createReporter(option?: (error: PersistError) => void): Reporter {
  const errors = signal<readonly PersistError[]>([])
  const listeners = new Set<(error: PersistError) => void>()
  return {
    errors,
    report(error) {
      const list = errors.peek()
      errors.set(list.length >= KEEP ? [...list.slice(1 - KEEP), error] : [...list, error])
      option?.(error)
      for (const fn of [...listeners]) fn(error)
    },
    onError(fn) {
      listeners.add(fn)
      return () => {
        listeners.delete(fn)
      }
    },
  }
}
