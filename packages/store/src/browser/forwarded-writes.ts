/**
 * A follower tab's own writes that its replica does not show yet (decision 0058: its
 * commits are applied by the leader tab and show here one message hop later). Collections
 * and client documents note, per row, what each forwarded commit leaves, and read it back
 * for their existence checks and read-modify-write — so `update` after `create`, or two
 * patches in a row, act on this tab's own writes. Queries and live queries never see it
 * (not optimistic). A row's note is dropped once the commit that made it shows in the
 * replica or was refused: from then on the replica is the truth.
 */
export class ForwardedWrites {
  /** `table:id` → [the row's value after this tab's last forwarded write to it, that commit's number]. */
  readonly #rows = new Map<string, [unknown, number]>()
  readonly #shown: () => number
  readonly #last: () => number

  /**
   * @param shown how many of this tab's forwarded commits (numbers 1…n, in order) show
   *   in its replica or were refused
   * @param last the number of the commit this tab forwarded last, 0 while it leads (it
   *   commits itself, nothing to note)
   * @example const writes = new ForwardedWrites(() => forwarder.shown, () => forwarder.last)
   */
  constructor(shown: () => number, last: () => number) {
    this.#shown = shown
    this.#last = last
  }

  /**
   * The commit just made leaves row `key` as `value`; ignored unless it was forwarded.
   * @param key `table:id`
   * @param value the row's value (`null`: deleted)
   * @example store.commitAny([ev]); writes.note('col_notes:n1', doc)
   */
  note(key: string, value: unknown): void {
    const n = this.#last()
    if (n === 0) return
    this.#rows.delete(key)
    this.#rows.set(key, [value, n])
    this.get(key)
  }

  /**
   * What this tab's forwarded commits that do not show yet leave row `key` as.
   * @param key `table:id`
   * @returns the value, `null` for deleted, `undefined` when no such commit wrote it
   * @example const doc = writes.get('col_notes:n1') ?? readFromReplica('n1')
   */
  get(key: string): unknown {
    const shown = this.#shown()
    // Insertion order is commit order (`note` re-inserts): drop from the front.
    for (const [k, w] of this.#rows) {
      if (w[1] > shown) break
      this.#rows.delete(k)
    }
    return this.#rows.get(key)?.[0]
  }
}
