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
 *
 * Compensations (`tx.onRollback`) run if and only if the writes were undone. An observer
 * that throws while the batch ends (decision 0003) does not undo anything: the commit
 * stands, and its error is re-thrown to the caller as `store.set` would throw it.
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
 *   compensation steps failed too (its `cause` is the original failure). Also, AFTER a
 *   successful commit, the error of a store observer (listener, effect) that threw when
 *   woken by it — unwrapped, or core's `AggregateError` if several threw, exactly as
 *   `store.set` throws it (decision 0003): the stores keep the committed values, the locks
 *   are free and no compensation runs (they run only when the writes were undone).
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
  const run = new TransactionRun(options.signal)
  let result: T
  let observerFailure: { error: unknown } | undefined
  try {
    result = await fn(run)
    observerFailure = await run.commit()
  } catch (error) {
    return run.rollback(error)
  }
  // Committed: an observer's error is re-thrown to the writer (decision 0003), nothing undone.
  if (observerFailure) throw observerFailure.error
  return result
}

/**
 * The state of one running transaction, and the {@link Tx} its body receives. A class (one
 * allocation, methods on the prototype) rather than a closure-per-method literal: closures
 * per transaction showed up as GC time in bench/actions. It is also its own lock owner.
 */
class TransactionRun implements Tx, LockOwner {
  waitingFor: Set<object> | undefined = undefined
  readonly #written = new Map<WritableStore<unknown>, Written>()
  #compensations: Array<() => void | Promise<void>> | undefined
  #pending: Set<Promise<void>> | undefined
  /** Lock waits of this transaction, by store (at most one per store). */
  #waits: Map<WritableStore<unknown>, Promise<void>> | undefined
  // A plain token, not an AbortController: those cost ~15 µs each on Node 20 (decision 0010);
  // `tx.signal` creates a real AbortSignal only when the body asks for one.
  readonly #token = new Cancellation()
  #signal: AbortSignal | undefined
  #open = true
  #failure: { error: unknown } | undefined
  readonly #outer: AbortSignal | undefined
  readonly #follow = () => this.#token.abort(this.#outer?.reason)

  constructor(outer: AbortSignal | undefined) {
    this.#outer = outer
    if (outer?.aborted) this.#follow()
    else outer?.addEventListener('abort', this.#follow, { once: true })
  }

  get signal(): AbortSignal {
    this.#signal ??= this.#token.toSignal()
    return this.#signal
  }

  get<V>(store: ReadableStore<V>): V {
    const entry = this.#written.get(store as unknown as WritableStore<unknown>)
    return (entry ? entry.value : store.peek()) as V
  }

  set<V>(store: WritableStore<V>, value: V): Promise<void> {
    return this.#write(store as WritableStore<unknown>, () => value)
  }

  update<V>(store: WritableStore<V>, fn: (value: V) => V): Promise<void> {
    return this.#write(store as WritableStore<unknown>, fn as (value: unknown) => unknown)
  }

  onRollback(step: () => void | Promise<void>): void {
    this.#ensureOpen()
    ;(this.#compensations ??= []).push(step)
  }

  abort(reason: unknown = 'aborted'): never {
    this.#token.abort(reason)
    throw this.#aborted()
  }

  /**
   * Check and apply every buffer, then release the locks.
   * @returns the error of an observer that threw once everything was applied (decision 0003)
   *   — the commit stands; a throw means nothing was applied
   */
  async commit(): Promise<{ error: unknown } | undefined> {
    while (this.#pending?.size) await Promise.all(this.#pending)
    if (this.#failure) throw this.#failure.error
    if (this.#token.aborted) throw this.#aborted()
    for (const entry of this.#written.values())
      if (!Object.is(entry.store.peek(), entry.base)) throw new TransactionConflictError(entry.label)
    const entries = [...this.#written.values()]
    let applied = false
    let observerFailure: { error: unknown } | undefined
    try {
      // Observers run when the batch ends, after every buffer is set; if one throws, the
      // batch re-throws with the values kept (decision 0003): that is not a failed commit.
      batch(() => {
        applyAll(entries)
        applied = true
      })
    } catch (error) {
      if (!applied) throw error
      observerFailure = { error }
    }
    this.#releaseAll()
    return observerFailure
  }

  async rollback(error: unknown): Promise<never> {
    if (!this.#token.aborted) this.#token.abort(error)
    if (this.#pending) await Promise.allSettled(this.#pending)
    this.#releaseAll()
    const failures: unknown[] = []
    for (const step of (this.#compensations ?? []).reverse()) {
      try {
        await step()
      } catch (failure) {
        failures.push(failure)
      }
    }
    if (failures.length) throw new CompensationError(error, failures)
    throw error
  }

  #aborted(): TransactionAbortedError {
    return new TransactionAbortedError(this.#token.reason)
  }

  #ensureOpen(): void {
    if (!this.#open) throw new TransactionClosedError()
    if (this.#token.aborted) throw this.#aborted()
  }

  #write(store: WritableStore<unknown>, next: (current: unknown) => unknown): Promise<void> {
    try {
      this.#ensureOpen()
      const entry = this.#written.get(store)
      if (entry) {
        entry.value = next(entry.value)
        return RESOLVED
      }
      // A store this transaction already waits for: queue behind that wait (same lock
      // request; its writes apply in call order once granted), not a second request.
      let wait = this.#waits?.get(store)
      if (!wait) {
        const got = acquire(store, this)
        if (got.status === 'granted') {
          this.#firstWrite(store, next)
          return RESOLVED
        }
        if (got.status === 'deadlock')
          return this.#fail(new TransactionDeadlockError(`#${this.#written.size + 1}`))
        ;(this.#waits ??= new Map()).set(store, (wait = this.#waitFor(got, store)))
      }
      return this.#track(
        wait.then(() => {
          const existing = this.#written.get(store)
          if (existing) existing.value = next(existing.value)
          else this.#firstWrite(store, next)
        }),
      )
    } catch (error) {
      return this.#fail(error)
    }
  }

  #firstWrite(store: WritableStore<unknown>, next: (current: unknown) => unknown): void {
    const base = store.peek()
    const entry: Written = { store, base, value: base, label: `#${this.#written.size + 1}` }
    this.#written.set(store, entry)
    entry.value = next(base)
  }

  /** Remember a failed write even if the caller forgot to await it: commit must not go ahead. */
  #fail(error: unknown): Promise<void> {
    this.#failure ??= { error }
    const rejected = Promise.reject(error)
    rejected.catch(noop) // an un-awaited write must not become an unhandled rejection
    return rejected
  }

  #track(op: Promise<void>): Promise<void> {
    const tracked = op.then(undefined, (error: unknown) => {
      this.#failure ??= { error }
      throw error
    })
    tracked.catch(noop)
    const pending = (this.#pending ??= new Set())
    const settled: Promise<void> = tracked.then(
      () => void pending.delete(settled),
      () => void pending.delete(settled),
    )
    pending.add(settled)
    return tracked
  }

  async #waitFor(
    got: Extract<Acquisition, { status: 'queued' }>,
    store: WritableStore<unknown>,
  ): Promise<void> {
    const token = this.#token
    await new Promise<void>((resolve, reject) => {
      if (token.aborted) {
        got.cancel()
        return reject(this.#aborted())
      }
      const stop = token.onAbort(() => {
        got.cancel()
        reject(this.#aborted())
      })
      got.granted.then(() => {
        stop()
        resolve()
      })
    })
    if (!this.#open || token.aborted) {
      // Granted after we gave up: hand it straight on, it is not ours to keep.
      release(store, this)
      this.#ensureOpen()
    }
  }

  #releaseAll(): void {
    this.#open = false
    this.#outer?.removeEventListener('abort', this.#follow)
    for (const store of this.#written.keys()) release(store, this)
    // Locks taken by writes still queued are released when they are granted.
    this.waitingFor = undefined
  }
}

/** Set every buffer (inside the commit's batch); if a store refuses its value, put back the ones already set. */
function applyAll(entries: readonly Written[]): void {
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
}
