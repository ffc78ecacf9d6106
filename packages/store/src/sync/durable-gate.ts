/**
 * The durability gate of the sync seam, for drivers that persist after a commit returns
 * (the browser / journaled driver writes its journal to OPFS or IndexedDB in the
 * background). Events committed here become pushable only once the driver says they are
 * durable: a pushed event that a crash then lost locally would have its seq reused for a
 * different event, which the server would answer as a duplicate of the first one — the
 * new event silently lost (decision 0036).
 *
 * Seqs of this client are allocated in commit order and the journal is written in commit
 * order, so what is not yet durable is always a suffix of seqs: the gate keeps its first
 * seq. Events it did not see committed (loaded from storage, or committed by another tab
 * before this one took the database over, which then made them durable) are not held.
 * Renumbered pending events (decision 0065) take the top seqs too, so that still holds;
 * only a wait already under way when they were renumbered does not cover them.
 */

/**
 * What the gate needs from the driver: a promise that every record committed before the
 * call is durable (it rejects while writes fail).
 * @example
 * const durable: WhenDurable = () => driver.whenDurable()
 */
export type WhenDurable = () => Promise<void>

/**
 * Holds back this client's committed-but-not-yet-durable events from the sync seam.
 * @example
 * const gate = new DurableGate(() => driver.whenDurable(), () => notifyPending())
 * gate.committed(3, 4) // seqs 3..4 were just committed: hidden until durable
 * gate.visible(rows)   // rows with seq < 3 only, until the journal write landed
 */
const MAX_RETRY_MS = 30_000

export class DurableGate {
  readonly #durable: WhenDurable
  readonly #onDurable: () => void
  /** First seq committed here that is not known durable (`Infinity`: none). */
  #from = Number.POSITIVE_INFINITY
  /** Highest seq committed here. */
  #last = 0
  /**
   * Counts calls that gave seqs at or below `#last` again (pending events renumbered,
   * decision 0065): a wait already under way does not cover them.
   */
  #rewound = 0
  #waiting = false
  #closed = false
  readonly #firstRetryMs: number
  #retryMs = 0
  #retry: ReturnType<typeof setTimeout> | undefined

  /**
   * @param durable resolves when everything committed so far is durable
   * @param onDurable called when held events became durable (pushable)
   * @param firstRetryMs pause before asking again after a failed write (doubles up to 30 s)
   */
  constructor(durable: WhenDurable, onDurable: () => void, firstRetryMs = 1000) {
    this.#durable = durable
    this.#onDurable = onDurable
    this.#firstRetryMs = firstRetryMs
  }

  /**
   * Seqs `first..last` were just committed (the transaction is closed, so the driver has
   * queued them for writing): hold them until they are durable.
   * @param first first seq of the commit
   * @param last last seq of the commit
   */
  committed(first: number, last: number): void {
    if (last < first) return
    if (first <= this.#last) this.#rewound++
    this.#from = Math.min(this.#from, first)
    this.#last = Math.max(this.#last, last)
    if (!this.#waiting && !this.#closed) void this.#wait()
  }

  /** Stop waiting (the store closed). */
  close(): void {
    this.#closed = true
    clearTimeout(this.#retry)
  }

  /**
   * The durable prefix of pending events.
   * @param rows pending events
   * @returns those that may be pushed
   */
  visible<R extends { readonly seq: number | null }>(rows: R[]): R[] {
    const from = this.#from
    return from === Number.POSITIVE_INFINITY ? rows : rows.filter((r) => (r.seq ?? 0) < from)
  }

  async #wait(): Promise<void> {
    this.#waiting = true
    try {
      while (this.#from !== Number.POSITIVE_INFINITY && !this.#closed) {
        const upTo = this.#last
        const rewound = this.#rewound
        try {
          await this.#durable()
        } catch {
          // The write failed (the driver reports it to the app); its records stay queued
          // there and each wait retries them: ask again after a pause (or at the next
          // commit). Until then the events stay held.
          this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs === 0 ? this.#firstRetryMs : this.#retryMs * 2)
          clearTimeout(this.#retry)
          this.#retry = setTimeout(() => {
            if (!this.#waiting && !this.#closed) void this.#wait()
          }, this.#retryMs)
          return
        }
        this.#retryMs = 0
        if (this.#closed) return
        // renumbered during the wait: those writes came after it, wait again
        if (this.#rewound !== rewound) continue
        this.#from = this.#last > upTo ? upTo + 1 : Number.POSITIVE_INFINITY
        try {
          this.#onDurable()
        } catch (e) {
          // A listener's error surfaces as an uncaught error, not as a stalled gate.
          queueMicrotask(() => {
            throw e
          })
        }
      }
    } finally {
      this.#waiting = false
    }
  }
}
