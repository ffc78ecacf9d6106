/**
 * `transaction(async tx => …)`: all-or-nothing writes across core stores.
 *
 * Glossary — *written store*: a store passed to `tx.set`/`tx.update`; *base*: its value
 * when the transaction first wrote it (its snapshot); *buffer*: the transaction's pending
 * value for it.
 *
 * Isolation (docs/decisions/0012-transaction-isolation.md): writes are buffered, not
 * applied, until commit, so nobody observes a half-done transaction and a failure
 * restores by simply discarding buffers. The first write to a store takes that store's
 * write lock (FIFO); conflicting transactions therefore serialise per store, and a wait
 * that would deadlock fails the waiter with `TransactionDeadlockError`. At commit every
 * written store is checked against its base (a write from outside any transaction is a
 * `TransactionConflictError`, nothing applied) and then all buffers are applied in one
 * core `batch`, so each observer runs once with the committed result.
 */
import { batch, type ReadableStore, type WritableStore } from '@strata/core'
import {
  CompensationError,
  TransactionAbortedError,
  TransactionClosedError,
  TransactionConflictError,
  TransactionDeadlockError,
} from '../errors.js'
import { Cancellation } from '../cancellation.js'
import { type Acquisition, acquire, type LockOwner, release } from './locks.js'

/**
 * The handle a transaction function receives.
 * @example
 * ```ts
 * await transaction(async (tx) => {
 *   await tx.set(cart, { items: [] })
 *   tx.onRollback(() => api.release(reservation))
 * })
 * ```
 */
export interface Tx {
  /** Aborted when the transaction aborts (`tx.abort`, the outer `signal`). Pass it to `fetch`. */
  readonly signal: AbortSignal
  /** Read a store as this transaction sees it: its own pending write, else the store's value. */
  get<T>(store: ReadableStore<T>): T
  /** Buffer `value` for `store` (taking its write lock on first write). */
  set<T>(store: WritableStore<T>, value: T): Promise<void>
  /** Buffer `fn(current)` for `store`, where current is this transaction's view. */
  update<T>(store: WritableStore<T>, fn: (value: T) => T): Promise<void>
  /** Register a compensation step; on failure they run in reverse registration order. */
  onRollback(fn: () => void | Promise<void>): void
  /** Abort: throws `TransactionAbortedError`; nothing is committed, compensations run. */
  abort(reason?: unknown): never
}

/**
 * Options of {@link transaction}.
 * @example
 * ```ts
 * await transaction(body, { signal: controller.signal })
 * ```
 */
export interface TransactionOptions {
  /** Aborting it aborts the transaction (before commit) — e.g. an action's `controller.signal`. */
  readonly signal?: AbortSignal
}

const RESOLVED: Promise<void> = Promise.resolve()
const noop = () => {}

interface Written {
  readonly store: WritableStore<unknown>
  readonly base: unknown
  value: unknown
  readonly label: string
}

/**
 * Run `fn` as a transaction over core stores: every store written through `tx` is
 * committed together, observed once, or not at all.
 *
 * Why: hand-written snapshot/restore (seed 001 `processCheckout`, `transferFunds`) misses
 * stores, restores over other people's writes, and lets observers see half-done state.
 * @param fn - the transaction body; may `await` (server calls) between writes
 * @param options - `signal` to abort from outside
 * @returns what `fn` returns, after commit
 * @throws whatever `fn` threw (after rollback), `TransactionAbortedError`,
 *   `TransactionConflictError`, `TransactionDeadlockError`, or `CompensationError` when
 *   compensation steps failed too (its `cause` is the original failure)
 * @example
 * ```ts
 * await transaction(async (tx) => {
 *   await tx.update(accounts, (a) => ({ ...a, alice: a.alice - 10, bob: a.bob + 10 }))
 *   tx.onRollback(() => api.cancelTransfer(id))
 *   await api.recordTransfer(id) // throws → accounts untouched, cancelTransfer ran
 * })
 * ```
 */
export async function transaction<T>(
  fn: (tx: Tx) => T | Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const owner: LockOwner = { waitingFor: undefined }
  const written = new Map<WritableStore<unknown>, Written>()
  const compensations: Array<() => void | Promise<void>> = []
  const pendingOps = new Set<Promise<void>>()
  // A plain token, not an AbortController: those cost ~15 µs each on Node 20 (decision 0010);
  // `tx.signal` creates a real AbortSignal only when the body asks for one.
  const token = new Cancellation()
  let signal: AbortSignal | undefined
  const outer = options.signal
  const follow = () => token.abort(outer?.reason)
  if (outer?.aborted) follow()
  else outer?.addEventListener('abort', follow, { once: true })
  let open = true

  const aborted = () => new TransactionAbortedError(token.reason)
  const ensureOpen = () => {
    if (!open) throw new TransactionClosedError()
    if (token.aborted) throw aborted()
  }

  const waitFor = async (got: Extract<Acquisition, { status: 'queued' }>, store: WritableStore<unknown>) => {
    await new Promise<void>((resolve, reject) => {
      if (token.aborted) {
        got.cancel()
        return reject(aborted())
      }
      const stop = token.onAbort(() => {
        got.cancel()
        reject(aborted())
      })
      got.granted.then(() => {
        stop()
        resolve()
      })
    })
    if (!open || token.aborted) {
      // Granted after we gave up: hand it straight on, it is not ours to keep.
      release(store, owner)
      ensureOpen()
    }
  }

  let failure: { error: unknown } | undefined
  const fail = (error: unknown): Promise<void> => {
    // Remember it even if the caller forgot to await the write: commit must not go ahead.
    failure ??= { error }
    const rejected = Promise.reject(error)
    rejected.catch(noop) // an un-awaited write must not become an unhandled rejection
    return rejected
  }
  const track = (op: Promise<void>): Promise<void> => {
    const tracked = op.then(undefined, (error: unknown) => {
      failure ??= { error }
      throw error
    })
    tracked.catch(noop)
    const settled: Promise<void> = tracked.then(
      () => void pendingOps.delete(settled),
      () => void pendingOps.delete(settled),
    )
    pendingOps.add(settled)
    return tracked
  }
  const firstWrite = (store: WritableStore<unknown>, next: (current: unknown) => unknown) => {
    const base = store.peek()
    const entry: Written = { store, base, value: base, label: `#${written.size + 1}` }
    written.set(store, entry)
    entry.value = next(base)
  }

  const write = (store: WritableStore<unknown>, next: (current: unknown) => unknown): Promise<void> => {
    try {
      ensureOpen()
      const entry = written.get(store)
      if (entry) {
        entry.value = next(entry.value)
        return RESOLVED
      }
      const got = acquire(store, owner)
      if (got.status === 'granted') {
        firstWrite(store, next)
        return RESOLVED
      }
      if (got.status === 'deadlock') return fail(new TransactionDeadlockError(`#${written.size + 1}`))
      return track(
        waitFor(got, store).then(() => {
          const existing = written.get(store)
          if (existing) existing.value = next(existing.value)
          else firstWrite(store, next)
        }),
      )
    } catch (error) {
      return fail(error)
    }
  }

  const tx: Tx = {
    get signal() {
      signal ??= token.toSignal()
      return signal
    },
    get: <V>(store: ReadableStore<V>) => {
      const entry = written.get(store as unknown as WritableStore<unknown>)
      return (entry ? entry.value : store.peek()) as V
    },
    set: <V>(store: WritableStore<V>, value: V) => write(store as WritableStore<unknown>, () => value),
    update: <V>(store: WritableStore<V>, fn: (value: V) => V) =>
      write(store as WritableStore<unknown>, (current) => fn(current as V)),
    onRollback: (step) => {
      ensureOpen()
      compensations.push(step)
    },
    abort: (reason = 'aborted') => {
      token.abort(reason)
      throw aborted()
    },
  }

  const releaseAll = () => {
    open = false
    outer?.removeEventListener('abort', follow)
    for (const store of written.keys()) release(store, owner)
    // Locks taken by writes still queued are released when they are granted.
    owner.waitingFor = undefined
  }

  try {
    const result = await fn(tx)
    while (pendingOps.size) await Promise.all(pendingOps)
    if (failure) throw failure.error
    if (token.aborted) throw aborted()
    for (const entry of written.values())
      if (!Object.is(entry.store.peek(), entry.base)) throw new TransactionConflictError(entry.label)
    commit([...written.values()])
    releaseAll()
    return result
  } catch (error) {
    if (!token.aborted) token.abort(error)
    await Promise.allSettled(pendingOps)
    releaseAll()
    const failures: unknown[] = []
    for (const step of compensations.reverse()) {
      try {
        await step()
      } catch (failure) {
        failures.push(failure)
      }
    }
    if (failures.length) throw new CompensationError(error, failures)
    throw error
  }
}

/** Apply every buffer in one batch; if a store refuses its value, put back the ones already set. */
function commit(entries: readonly Written[]): void {
  batch(() => {
    const applied: Written[] = []
    try {
      for (const entry of entries) {
        entry.store.set(entry.value)
        applied.push(entry)
      }
    } catch (error) {
      for (const entry of applied.reverse()) entry.store.set(entry.base)
      throw error
    }
  })
}
