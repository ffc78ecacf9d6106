/**
 * Push batching: which pending events go out next, in batches of at most `batchSize`,
 * with at most `maxInFlight` unacknowledged batches on one connection. Pure bookkeeping:
 * no sockets, no store. A new connection calls `reset(lastSeq)` with the server's
 * `lastSeq` from `welcome`, so re-pushing starts exactly after what the server already
 * processed (the exactly-once half that lives on the client).
 */
import { SyncConfigError } from '../errors.js'

/**
 * The part of an event record the window needs.
 *
 * @example
 * ```ts
 * const e: Sequenced = { seq: 3 }
 * ```
 */
export interface Sequenced {
  readonly seq: number
}

/**
 * One batch to send as a `push` frame.
 *
 * @example
 * ```ts
 * const b: PushBatch<EventRecord> = { id: 1, events: store.sync.pending().slice(0, 100) }
 * socket.send(JSON.stringify({ t: 'push', id: b.id, events: b.events }))
 * ```
 */
export interface PushBatch<E extends Sequenced> {
  readonly id: number
  readonly events: E[]
}

/**
 * What one batch may hold (see {@link PushWindow.take}).
 *
 * @example
 * ```ts
 * const limit: BatchLimit<EventRecord> = { events: 100, bytes: 1_000_000, size: (e) => JSON.stringify(e).length }
 * ```
 */
export interface BatchLimit<E> {
  events?: number
  bytes?: number
  size?: (e: E) => number
  /** Most bytes (by `size`) of an event sent alone; a larger one is not sent (see {@link PushWindow.oversize}). */
  alone?: number
}

/**
 * The next event to push, which no frame can carry (see {@link BatchLimit.alone}).
 *
 * @example
 * ```ts
 * const o: OversizeEvent<EventRecord> | undefined = window.oversize
 * if (o) console.warn(`seq ${o.event.seq} is ${o.size} bytes`)
 * ```
 */
export interface OversizeEvent<E> {
  readonly event: E
  /** Its size, by `size`. */
  readonly size: number
}

/**
 * Bookkeeping of pushes on the current connection.
 *
 * @example
 * ```ts
 * const w: PushWindow<EventRecord> = createPushWindow({ batchSize: 500, maxInFlight: 4 })
 * onAck((ack) => w.ack(ack.id))
 * ```
 */
export interface PushWindow<E extends Sequenced> {
  /** Starts a connection: nothing in flight, next push begins after `lastSeq`. */
  reset(lastSeq: number): void
  /**
   * The next batches to send from `pending` (seq order), filling the window. `limit`
   * caps one batch: at most `events` events (default `batchSize`), and at most `bytes`
   * by `size` (each event's size; a single event over `bytes` still goes alone, unless
   * it is over `alone`: then nothing from it on is sent and {@link oversize} names it).
   */
  take(pending: readonly E[], limit?: BatchLimit<E>): PushBatch<E>[]
  /** Frees the slot of batch `id` after its ack. Unknown ids are ignored. */
  ack(id: number): void
  /** The highest seq handed out for sending on this connection. */
  readonly sentUpTo: number
  /** Batches sent and not yet acked. */
  readonly inFlight: number
  /**
   * The event after `sentUpTo` that the last `take` found over `alone` (kept while the
   * window is full, cleared by `reset` and by a `take` that does not stop at one).
   */
  readonly oversize: OversizeEvent<E> | undefined
}

/**
 * Creates a push window.
 *
 * @param options - `batchSize` (events per push frame) and `maxInFlight` (unacked frames)
 * @returns a {@link PushWindow}
 * @example
 * ```ts
 * const w = createPushWindow<EventRecord>({ batchSize: 100, maxInFlight: 4 })
 * w.reset(welcome.lastSeq)
 * for (const b of w.take(store.sync.pending())) socket.send(JSON.stringify({ t: 'push', ...b }))
 * ```
 */
export function createPushWindow<E extends Sequenced>(options: {
  batchSize: number
  maxInFlight: number
}): PushWindow<E> {
  const { batchSize, maxInFlight } = options
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SyncConfigError('batchSize', `must be a positive integer, got ${String(batchSize)}`)
  }
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new SyncConfigError('maxInFlight', `must be a positive integer, got ${String(maxInFlight)}`)
  }
  let sentUpTo = 0
  let nextId = 1
  const inFlight = new Set<number>()
  let oversize: OversizeEvent<E> | undefined
  return {
    reset(lastSeq) {
      sentUpTo = lastSeq
      inFlight.clear()
      oversize = undefined
    },
    take(pending, limit = {}) {
      const out: PushBatch<E>[] = []
      const most = Math.min(batchSize, limit.events ?? batchSize)
      const { bytes, size, alone } = limit
      let i = firstAfter(pending, sentUpTo)
      if (inFlight.size < maxInFlight) oversize = undefined
      while (i < pending.length && inFlight.size < maxInFlight) {
        let end = Math.min(pending.length, i + most)
        if (bytes !== undefined && size) {
          // Greedy by bytes: stop before the event that would take the frame over the limit.
          let total = 0
          for (let j = i; j < end; j++) {
            total += size(pending[j]!)
            if (total > bytes && j > i) end = j
            // The first event does not fit in a frame even alone: send nothing from it on.
            else if (j === i && alone !== undefined && total > alone) {
              oversize = { event: pending[i]!, size: total }
              return out
            }
          }
        }
        const events = pending.slice(i, end)
        i = end
        const id = nextId++
        inFlight.add(id)
        sentUpTo = events[events.length - 1]!.seq
        out.push({ id, events })
      }
      return out
    },
    ack(id) {
      inFlight.delete(id)
    },
    get sentUpTo() {
      return sentUpTo
    },
    get inFlight() {
      return inFlight.size
    },
    get oversize() {
      return oversize
    },
  }
}

/** Index of the first event with seq > after (binary search: pending is seq-ordered). */
function firstAfter(pending: readonly Sequenced[], after: number): number {
  let lo = 0
  let hi = pending.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (pending[mid]!.seq <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}
