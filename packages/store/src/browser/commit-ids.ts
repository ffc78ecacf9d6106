/**
 * The ids of forwarded commits, kept in the store's database itself (decision 0062).
 * The leader writes a commit's id in the same transaction as the commit, so the id is
 * wherever the commit is: in its journal record (replayed by every tab and every boot),
 * in snapshots and in the images a leader hands to tabs that fell behind. A tab that
 * leads next — however it got its state — answers a retried commit from here instead of
 * applying it twice. Record tags (forward.ts) say the same for the records a tab saw;
 * this table also covers what it only ever saw inside an image.
 *
 * Table `__strata_forwarded (tab, n)`: one row per applied forwarded commit `<tab>.<n>`.
 * Rows are pruned in the same transaction: a tab sends its next batch only once the
 * previous one was answered (stop and wait; or as it closes, after which it resends
 * nothing), so when commit `<tab>.<f>` opens a batch, the tab will never retry anything
 * below `f`; and at most `KEPT` rows stay in all (tabs that
 * closed leave their last batch behind). Created on the first forwarded commit only: a
 * store used in one tab never gets the table.
 */
import type { PreparedStatement } from '../adapters/adapter.js'
import type { JournaledDriver } from './journal.js'

const TABLE = '__strata_forwarded'
/** Rows kept at most (ids of tabs that closed with their last batch answered). */
const KEPT = 10_000

const parse = (id: string): [tab: string, n: number] => {
  const dot = id.lastIndexOf('.')
  return [id.slice(0, dot), Number(id.slice(dot + 1))]
}

/**
 * Applied forwarded commit ids in a journaled database.
 * @example
 * const ids = new CommitIds(driver)
 * driver.transaction(() => { commitEvents(); ids.record('k3x.7', 'k3x.5') })
 * ids.has('k3x.7') // true, in this tab and in any tab booted from its records or images
 */
export class CommitIds {
  readonly #driver: JournaledDriver
  #writes: { insert: PreparedStatement; prune: PreparedStatement; cap: PreparedStatement } | undefined
  #exists: PreparedStatement | undefined
  #find: PreparedStatement | undefined

  /**
   * Statements are prepared once: only the tab that owns the database uses them, and it
   * never replaces its database after that (images are restored before it owns).
   * @param driver the tab's driver (writes go through it, so they are journaled)
   */
  constructor(driver: JournaledDriver) {
    this.#driver = driver
  }

  /**
   * Store `id` as applied; call inside the transaction that applies it (the leader).
   * @param id the commit id `<tab>.<n>`
   * @param first the id of the first commit of its batch: the tab's ids below it are dropped
   */
  record(id: string, first: string): void {
    const d = this.#driver
    if (this.#writes === undefined) {
      // Journaled with the commit when it creates the table; a no-op (not journaled) after.
      d.exec(
        `CREATE TABLE IF NOT EXISTS main.${TABLE} (tab TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (tab, n))`,
      )
      this.#writes = {
        insert: d.prepare(`INSERT OR IGNORE INTO main.${TABLE} (tab, n) VALUES (?, ?)`),
        prune: d.prepare(`DELETE FROM main.${TABLE} WHERE tab = ? AND n < ?`),
        cap: d.prepare(
          `DELETE FROM main.${TABLE} WHERE rowid <= (SELECT max(rowid) FROM main.${TABLE}) - ${KEPT}`,
        ),
      }
    }
    const [tab, n] = parse(id)
    this.#writes.insert.run([tab, n])
    this.#writes.prune.run([tab, parse(first)[1]])
    this.#writes.cap.run([])
  }

  /**
   * Whether the database holds commit `id` (applied by whichever tab led then).
   * @param id the commit id `<tab>.<n>`
   * @returns true when it was applied
   */
  has(id: string): boolean {
    if (this.#find === undefined) {
      this.#exists ??= this.#driver.prepare(
        `SELECT 1 AS x FROM main.sqlite_master WHERE type = 'table' AND name = ?`,
      )
      if (this.#exists.get([TABLE]) === undefined) return false
      this.#find = this.#driver.prepare(`SELECT 1 AS x FROM main.${TABLE} WHERE tab = ? AND n = ?`)
    }
    return this.#find.get(parse(id)) !== undefined
  }
}
