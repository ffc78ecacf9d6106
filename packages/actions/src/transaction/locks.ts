/**
 * Per-store write locks for transactions: FIFO queue per store, keyed by the store object
 * (WeakMap, so stores are not kept alive). Deadlock is detected when a wait would close a
 * cycle in the wait-for graph. A transaction may wait on several stores at once
 * (`Promise.all` of writes), so the graph is walked along every wait, not as a chain; and
 * since a queue is FIFO, a waiter waits for everyone queued ahead of it, not just the holder.
 * Knows nothing of stores' values — only identities.
 */

/** A lock owner (one transaction). */
export interface LockOwner {
  /** The locks this owner is currently queued for (created on its first wait). */
  waitingFor: Set<object> | undefined
}

interface LockState {
  holder: LockOwner | undefined
  readonly queue: Array<{ owner: LockOwner; grant: () => void }>
}

const locks = new WeakMap<object, LockState>()

const stateOf = (key: object): LockState => {
  let state = locks.get(key)
  if (!state) locks.set(key, (state = { holder: undefined, queue: [] }))
  return state
}

/**
 * Result of {@link acquire}: already granted, queued (with a promise and a cancel), or refused
 * because waiting would deadlock. `cancel` also releases the lock if it was granted already.
 */
export type Acquisition =
  | { readonly status: 'granted' }
  | { readonly status: 'queued'; readonly granted: Promise<void>; readonly cancel: () => void }
  | { readonly status: 'deadlock' }

/**
 * Try to take the lock on `key` for `owner`.
 * @param key - the store (any object identity)
 * @param owner - the transaction
 * @returns granted at once, queued, or deadlock
 * @example
 * ```ts
 * const a = acquire(store, tx)
 * if (a.status === 'queued') await a.granted
 * ```
 */
export function acquire(key: object, owner: LockOwner): Acquisition {
  const state = stateOf(key)
  if (state.holder === undefined || state.holder === owner) {
    state.holder = owner
    return { status: 'granted' }
  }
  // A waiter waits for the holder AND everyone queued ahead of it (FIFO). Collect those,
  // then the same for every lock each of them waits on, …; reaching `owner` means a cycle.
  // `seen` is the work list too: a Set iterates what is added meanwhile, each owner once.
  const seen = new Set<LockOwner | undefined>()
  const waitsFor = (lock: LockState, waiter: LockOwner) => {
    seen.add(lock.holder)
    // those queued ahead of `waiter` (all of them for a new waiter)
    for (const entry of lock.queue) {
      if (entry.owner === waiter) break
      seen.add(entry.owner)
    }
  }
  waitsFor(state, owner)
  for (const next of seen) {
    if (next === owner) return { status: 'deadlock' }
    // a lock someone waits for has a state: it was created when the wait began
    for (const waited of next?.waitingFor ?? []) waitsFor(stateOf(waited), next as LockOwner)
  }
  ;(owner.waitingFor ??= new Set()).add(key)
  let entry!: { owner: LockOwner; grant: () => void }
  const granted = new Promise<void>((resolve) => {
    entry = {
      owner,
      grant: () => {
        owner.waitingFor?.delete(key)
        resolve()
      },
    }
  })
  state.queue.push(entry)
  // Giving up a wait: leave the queue, or, if the lock was already handed over (its
  // `granted` not yet seen by the owner), hand it straight on.
  const cancel = () => {
    const i = state.queue.indexOf(entry)
    if (i >= 0) state.queue.splice(i, 1)
    else release(key, owner)
    owner.waitingFor?.delete(key)
  }
  return { status: 'queued', granted, cancel }
}

/**
 * Release `owner`'s lock on `key` and hand it to the next waiter (FIFO).
 * @param key - the store
 * @param owner - the transaction releasing it
 * @example
 * ```ts
 * release(store, tx)
 * ```
 */
export function release(key: object, owner: LockOwner): void {
  const state = locks.get(key)
  if (!state || state.holder !== owner) return
  const next = state.queue.shift()
  state.holder = next?.owner
  next?.grant()
}

/**
 * Whether some transaction holds `key`'s lock (used by tests and diagnostics).
 * @param key - the store
 * @returns true while locked
 * @example
 * ```ts
 * isLocked(cart) // false outside transactions
 * ```
 */
export function isLocked(key: object): boolean {
  return locks.get(key)?.holder !== undefined
}
