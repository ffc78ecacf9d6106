/**
 * Optimistic updates: apply a change to a store at once, confirm or roll it back when the
 * server answers, and expose the operations still pending as a store.
 *
 * Glossary — *confirmed* value: the store's value with only server-confirmed changes;
 * *pending op*: an applied-but-unconfirmed change. The visible value is always
 * confirmed ⊕ pending ops (in start order), recomputed whenever an op settles. Rolling
 * back one op therefore never undoes another op that started later (the bug of
 * "restore the snapshot" rollbacks), exactly like the sync layer's rebase.
 */
import { batch, type ReadableStore, signal, type WritableStore } from '@strata/core'

/**
 * One pending optimistic operation, as shown in {@link Optimistic.pending}.
 * @example
 * ```ts
 * opt.pending.subscribe((ops) => showSpinner(ops.length > 0))
 * ```
 */
export interface PendingOperation {
  /** Unique id of the operation. */
  readonly id: number
  /** What the caller named it (for UI: "Saving…"). */
  readonly label: string
  /** `Date.now()` when it started. */
  readonly startedAt: number
}

/**
 * One call of {@link Optimistic.mutate}.
 * @example
 * ```ts
 * await opt.mutate({ apply: (n) => n + 1, request: () => api.increment() })
 * ```
 */
export interface Mutation<T, R> {
  /** Shown in `pending`. */
  readonly label?: string
  /** The optimistic change, applied at once. Must be a pure function of its input. */
  readonly apply: (value: T) => T
  /** The server call. */
  readonly request: () => Promise<R>
  /** Turn the applied change into the confirmed one (e.g. swap a temp id for the server's). Default: keep `apply`'s result. */
  readonly confirm?: (valueWithChange: T, result: R) => T
}

/**
 * The optimistic layer over one store.
 * @example
 * ```ts
 * const opt: Optimistic<Todo[]> = optimistic(todos)
 * ```
 */
export interface Optimistic<T> {
  /** The operations still waiting for the server. */
  readonly pending: ReadableStore<readonly PendingOperation[]>
  /**
   * Apply, call the server, then confirm or roll back. Rejects with the request's error
   * after rolling back. If `apply` or a store listener throws while the change is first
   * shown, the change is removed again, the request is not sent and `mutate` rejects with
   * that error.
   */
  mutate<R>(mutation: Mutation<T, R>): Promise<R>
  /** Change the confirmed value directly (e.g. a server push); pending ops are replayed on top. */
  setConfirmed(fn: (confirmed: T) => T): void
}

interface Op<T> {
  readonly info: PendingOperation
  readonly apply: (value: T) => T
}

/**
 * Wrap a store with optimistic updates.
 *
 * Why: seed 002's `createOptimisticStore` restores "the item before" on failure, which
 * silently undoes any other update made meanwhile; here failures only remove their own op.
 * A plain `store.set` while operations are pending is taken as the new confirmed value
 * (pending ops replay on it) — prefer `setConfirmed` to make that explicit.
 * @param store - the store to update optimistically
 * @returns the {@link Optimistic} layer
 * @example
 * ```ts
 * const todos = signal<Todo[]>([])
 * const opt = optimistic(todos)
 * await opt.mutate({
 *   label: 'add todo',
 *   apply: (list) => [...list, { id: 'temp', text }],
 *   request: () => api.post('/todos', { text }),
 *   confirm: (list, saved) => list.map((t) => (t.id === 'temp' ? saved : t)),
 * })
 * ```
 */
export function optimistic<T>(store: WritableStore<T>): Optimistic<T> {
  const pending = signal<readonly PendingOperation[]>([])
  let ops: readonly Op<T>[] = []
  let confirmed = store.peek()
  let lastWritten = confirmed
  let seq = 0

  // A plain write from elsewhere since our last render becomes the confirmed base.
  const adoptOutsideWrite = () => {
    if (!Object.is(store.peek(), lastWritten)) confirmed = store.peek()
  }
  const render = () => {
    let value = confirmed
    for (const op of ops) value = op.apply(value)
    lastWritten = value
    batch(() => {
      store.set(value)
      pending.set(ops.map((o) => o.info))
    })
  }

  return {
    pending,
    setConfirmed(fn) {
      adoptOutsideWrite()
      confirmed = fn(confirmed)
      render()
    },
    async mutate<R>(mutation: Mutation<T, R>): Promise<R> {
      adoptOutsideWrite()
      const op: Op<T> = {
        info: { id: ++seq, label: mutation.label ?? `operation ${seq}`, startedAt: Date.now() },
        apply: mutation.apply,
      }
      ops = [...ops, op]
      try {
        render()
      } catch (error) {
        // `apply` threw (nothing written) or a listener threw (written): either way the
        // change did not start — drop the op, restore the view, send no request.
        ops = ops.filter((o) => o !== op)
        render()
        throw error
      }
      try {
        const result = await mutation.request()
        adoptOutsideWrite()
        const applied = op.apply(confirmed)
        confirmed = mutation.confirm ? mutation.confirm(applied, result) : applied
        return result
      } catch (error) {
        adoptOutsideWrite()
        throw error
      } finally {
        ops = ops.filter((o) => o !== op)
        render()
      }
    },
  }
}
