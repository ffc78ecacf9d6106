/**
 * Undo/redo for any writable core store, recorded by listening to it (so every writer —
 * actions, transactions, bindings — is covered without wrapping `set`). Owns the past
 * and future stacks; never writes the store except to undo/redo.
 */
import { type ReadableStore, signal, type WritableStore } from '@strata/core'

/**
 * Options of {@link history}.
 * @example
 * ```ts
 * history(text, { limit: 50 })
 * ```
 */
export interface HistoryOptions {
  /** Maximum undo steps kept; the oldest are dropped. Default 100. */
  readonly limit?: number
}

/**
 * The history of one store.
 * @example
 * ```ts
 * const h: History = history(text)
 * if (h.canUndo.get()) h.undo()
 * ```
 */
export interface History {
  /** Whether {@link History.undo} would do something. */
  readonly canUndo: ReadableStore<boolean>
  /** Whether {@link History.redo} would do something. */
  readonly canRedo: ReadableStore<boolean>
  /** Restore the value before the last step. Returns false when there is nothing to undo. */
  undo(): boolean
  /** Re-apply the last undone step. Returns false when there is nothing to redo. */
  redo(): boolean
  /** Run `fn` (sync or async); every change it makes becomes ONE undo step. */
  group<R>(fn: () => R): R
  /** Forget all steps. */
  clear(): void
  /** Stop recording. */
  dispose(): void
}

/**
 * Record a store's changes for undo/redo.
 *
 * Why: seed 002's `createUndoableStore` only records writes made through its own `set`;
 * this records every change of any store, with a limit and grouping.
 * @param store - the store to record
 * @param options - `limit`
 * @returns the {@link History}
 * @example
 * ```ts
 * const text = signal('')
 * const h = history(text, { limit: 50 })
 * text.set('a'); text.set('ab')
 * h.undo() // text is 'a'
 * h.group(() => { text.set('x'); text.set('xy') }) // one step
 * ```
 */
export function history<T>(store: WritableStore<T>, options: HistoryOptions = {}): History {
  const limit = options.limit ?? 100
  const past: T[] = []
  const future: T[] = []
  const canUndo = signal(false)
  const canRedo = signal(false)
  let replaying = false
  let grouping = 0
  let groupStart: T = store.peek()

  const sync = () => {
    canUndo.set(past.length > 0)
    canRedo.set(future.length > 0)
  }
  const record = (before: T) => {
    past.push(before)
    if (past.length > limit) past.splice(0, past.length - limit)
    future.length = 0
    sync()
  }
  const stop = store.listen((_value, oldValue) => {
    if (!replaying && grouping === 0) record(oldValue)
  })
  const endGroup = () => {
    if (--grouping === 0 && !Object.is(store.peek(), groupStart)) record(groupStart)
  }
  const replay = (from: T[], to: T[]) => {
    const value = from.pop() as T
    to.push(store.peek())
    replaying = true
    try {
      store.set(value)
    } finally {
      replaying = false
    }
    sync()
    return true
  }

  return {
    canUndo,
    canRedo,
    undo: () => past.length > 0 && replay(past, future),
    redo: () => future.length > 0 && replay(future, past),
    group<R>(fn: () => R): R {
      if (grouping++ === 0) groupStart = store.peek()
      let result: R
      try {
        result = fn()
      } catch (error) {
        endGroup()
        throw error
      }
      if (result instanceof Promise) return result.finally(endGroup) as R
      endGroup()
      return result
    },
    clear() {
      past.length = 0
      future.length = 0
      sync()
    },
    dispose: stop,
  }
}
