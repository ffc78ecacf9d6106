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
  /**
   * Restore the value before the last step. Returns false when there is nothing to undo.
   * Works inside a core `batch` too (it is not recorded as a new change). If a listener of
   * the store throws, the undo still happened (the store keeps the value, `canUndo` /
   * `canRedo` say so) and the error is rethrown. A listener that corrects the value during
   * the undo (a clamp) is part of it: the undo lands on the corrected value, no new step.
   */
  undo(): boolean
  /** Re-apply the last undone step. Returns false when there is nothing to redo. */
  redo(): boolean
  /** Run `fn` (sync or async); every change it makes becomes ONE undo step (also inside a `batch`). */
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
  // The value the stacks describe: what the store held when history last looked at it. A
  // change is recorded by comparing the store with it, not by flags around our own writes:
  // inside a core `batch` listeners run only at the end of the batch, long after a flag set
  // around `undo()` or `group()` was cleared. Core keeps the old value when `equals` calls
  // a write the same, so such a write is no change here either (core does not expose
  // `equals`; a group that ends, via other values, on an equal but new value records a step
  // whose undo changes nothing — it does not hold up the undos after it).
  let current = store.peek()
  let grouping = 0

  const sync = () => {
    canUndo.set(past.length > 0)
    canRedo.set(future.length > 0)
  }
  // Record the store's value as a new step if it differs from `current` (not while grouping).
  const commit = () => {
    const value = store.peek()
    if (grouping || Object.is(value, current)) return
    past.push(current)
    if (past.length > limit) past.splice(0, past.length - limit)
    future.length = 0
    current = value
    sync()
  }
  const stop = store.listen(commit)
  const endGroup = () => {
    grouping--
    commit()
  }
  // Undo/redo: move one entry between the stacks and write it, our listener muted. The
  // write, and whatever listeners correct during it, is this step (not a new one): after it
  // `current` is what the store holds — also when the store's `equals` kept its old value,
  // or a listener threw after the write (core keeps it and rethrows). Only a `set` that
  // threw with the store unchanged did not happen: then our moves are taken back, if they
  // are still the top entries (nothing re-entered and rewrote the stacks meanwhile).
  const replay = (from: T[], to: T[]) => {
    commit()
    if (!from.length) return false
    const held = store.peek()
    const value = from.pop() as T
    const depth = to.push(current)
    grouping++
    try {
      store.set(value)
    } catch (error) {
      if (Object.is(store.peek(), held) && to.length === depth) {
        to.pop()
        from.push(value)
      }
      throw error
    } finally {
      grouping--
      current = store.peek()
      sync()
    }
    return true
  }

  return {
    canUndo,
    canRedo,
    undo: () => replay(past, future),
    redo: () => replay(future, past),
    group<R>(fn: () => R): R {
      commit()
      grouping++
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
      current = store.peek()
      sync()
    },
    dispose() {
      stop()
      // a disposed history is a group that never ends: commit() records nothing more
      grouping = Number.POSITIVE_INFINITY
    },
  }
}
