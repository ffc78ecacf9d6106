/**
 * The persister makes a journaled driver durable: it writes committed records to a
 * `DurableStorage` as batch files (group commit: records that arrive while a write is in
 * flight go out together in the next file), replaces the journal by a snapshot of the
 * whole database every `snapshotEvery` records or `maxJournalFiles` files (so a boot
 * reads a bounded number of files), and at boot rebuilds the database from
 * the newest snapshot plus the journal after it.
 *
 * File names (fixed-width so they sort): `s-<seq>` = snapshot containing records ≤ seq;
 * `j-<first>-<last>` = batch of records first..last. With a cipher every file is sealed
 * with AES-GCM bound to its name (../encryption/cipher.ts).
 */
import type { Cipher } from '../encryption/cipher.js'
import { KEY_FILES } from '../encryption/store-key.js'
import { decodeBatch, encodeBatch, type JournalRecord } from './codec.js'
import { JournalCorruptError, PersistenceError } from './errors.js'
import type { JournaledDriver } from './journal.js'
import type { DurableStorage } from './storage/storage.js'

/**
 * Options of a persister.
 * @example
 * const options: PersisterOptions = { storeId: 'app', storage: memoryStorage(), snapshotEvery: 500 }
 */
export interface PersisterOptions {
  readonly storeId: string
  readonly storage: DurableStorage
  /** Seal every file (encryption at rest); `undefined` = plain files. */
  readonly cipher?: Cipher | undefined
  /** Records between snapshots (default 2,000). */
  readonly snapshotEvery?: number | undefined
  /** Journal files between snapshots (default 64): bounds how many files a boot reads. */
  readonly maxJournalFiles?: number | undefined
  /** Called when a background write fails (the error also rejects the next `flush`). */
  readonly onError?: ((error: PersistenceError) => void) | undefined
}

const pad = (n: number) => String(n).padStart(12, '0')
const snapshotName = (seq: number) => `s-${pad(seq)}`
const batchName = (first: number, last: number) => `j-${pad(first)}-${pad(last)}`
const parseName = (
  name: string,
): { kind: 's'; seq: number } | { kind: 'j'; first: number; last: number } | null => {
  const s = /^s-(\d{12})$/.exec(name)
  if (s) return { kind: 's', seq: Number(s[1]) }
  const j = /^j-(\d{12})-(\d{12})$/.exec(name)
  if (j) return { kind: 'j', first: Number(j[1]), last: Number(j[2]) }
  return null
}

/** Loads a non-owner tries when files move under it (see `load`). */
const LOAD_ATTEMPTS = 8

/** The files changed while `load` read them (internal to `load`: it lists again). */
class Moved extends Error {}

/**
 * What `load` found.
 * @example
 * const { snapshotSeq, replayed } = await persister.load(driver)
 */
export interface LoadReport {
  /** Seq of the snapshot used (0 = none). */
  readonly snapshotSeq: number
  /** Journal records replayed on top of it. */
  readonly replayed: number
  /** Empty files left by interrupted writes (ignored; removed when this tab owns the files). */
  readonly discarded: readonly string[]
}

/**
 * Durable journal + snapshots for one journaled driver.
 * @example
 * const persister = new Persister({ storeId: 'app', storage: await opfsStorage('app') })
 * const driver = new JournaledDriver(engine, { onRecord: (r) => persister.enqueue(r) })
 * await persister.load(driver)
 * persister.attach(driver)
 */
export class Persister {
  readonly #options: PersisterOptions
  readonly #snapshotEvery: number
  #driver: JournaledDriver | undefined
  #pending: JournalRecord[] = []
  #drain: Promise<void> | undefined
  #error: PersistenceError | undefined
  #sinceSnapshot = 0
  #journalFiles = 0
  readonly #maxJournalFiles: number
  #durableHead = 0
  #closed = false

  /** @param options storage, cipher, snapshot interval */
  constructor(options: PersisterOptions) {
    this.#options = options
    this.#snapshotEvery = options.snapshotEvery ?? 2000
    this.#maxJournalFiles = options.maxJournalFiles ?? 64
  }

  /** Seq of the last record known to be durable. */
  get durableHead(): number {
    return this.#durableHead
  }

  /**
   * Rebuild `driver`'s database from storage (call before the store uses it), or bring
   * a replica that is behind up to what storage holds (only newer files are applied).
   * @param driver a journaled driver (empty, or a replica)
   * @param owner whether this tab owns the files (default true). Only the owner deletes
   *   the empty files it skips: in another tab such a file may be the leader's write in
   *   progress.
   * @returns what was loaded
   * @throws JournalCorruptError when a file cannot be decoded or the journal has a gap
   */
  async load(driver: JournaledDriver, owner = true): Promise<LoadReport> {
    // Not owning the files, this tab may list them while the leader replaces its journal
    // by a snapshot (OPFS removes the old files one by one): a listed file can be gone by
    // the time it is read, and what is left then looks like a gap. Neither is damage: list
    // again and go on from what was applied (a load only moves a replica forward). The
    // last attempt reports a gap as before.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#load(driver, owner, !owner && attempt < LOAD_ATTEMPTS)
      } catch (e) {
        if (!(e instanceof Moved)) throw e
        await new Promise((r) => setTimeout(r, attempt * 10))
      }
    }
  }

  async #load(driver: JournaledDriver, owner: boolean, retry: boolean): Promise<LoadReport> {
    const { storage, storeId, cipher } = this.#options
    const names = await storage.list()
    const snapshots: number[] = []
    const batches: { first: number; last: number; name: string }[] = []
    for (const name of names) {
      const p = parseName(name)
      if (p?.kind === 's') snapshots.push(p.seq)
      else if (p?.kind === 'j') batches.push({ ...p, name })
    }
    const discarded: string[] = []
    const readFile = async (name: string): Promise<Uint8Array | undefined> => {
      const bytes = await storage.read(name)
      // Listed a moment ago and gone: the owner tab removed it meanwhile.
      if (bytes === undefined && retry) throw new Moved()
      if (bytes === undefined || bytes.length === 0) {
        discarded.push(name) // created but never completed (tab killed mid-write)
        return undefined
      }
      return cipher === undefined ? bytes : cipher.decrypt(bytes, name)
    }
    snapshots.sort((a, b) => b - a)
    let snapshotSeq = 0
    for (const seq of snapshots) {
      if (seq <= driver.head) break
      const image = await this.#guard(snapshotName(seq), () => readFile(snapshotName(seq)))
      if (image === undefined) continue
      driver.restore(image, seq)
      snapshotSeq = seq
      break
    }
    batches.sort((a, b) => a.first - b.first)
    const needed = batches.filter((b) => b.last > driver.head)
    // Read concurrently (OPFS / IndexedDB round trips dominate), apply strictly in order.
    const contents = await Promise.all(needed.map((b) => this.#guard(b.name, () => readFile(b.name))))
    let replayed = 0
    for (const [i, batch] of needed.entries()) {
      const bytes = contents[i]
      if (bytes === undefined) continue
      const records = await this.#guard(batch.name, async () => decodeBatch(bytes))
      const fresh = records.filter((r) => r.seq > driver.head)
      if (fresh.length > 0 && fresh[0]?.seq !== driver.head + 1) {
        if (retry) throw new Moved()
        throw new JournalCorruptError(
          storeId,
          batch.name,
          `records ${driver.head + 1}..${(fresh[0]?.seq ?? 0) - 1} are missing before it`,
        )
      }
      await this.#guard(batch.name, async () => driver.apply(fresh))
      replayed += fresh.length
    }
    if (discarded.length > 0 && owner) await storage.remove(discarded)
    // What storage holds, which a replica being promoted may be ahead of.
    const stored = [...snapshots, ...batches.filter((b) => !discarded.includes(b.name)).map((b) => b.last)]
    this.#durableHead = Math.max(0, ...stored)
    this.#sinceSnapshot = replayed
    this.#journalFiles = needed.length
    return { snapshotSeq, replayed, discarded }
  }

  async #guard<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof JournalCorruptError || e instanceof Moved) throw e
      // A wrong key is caught earlier by the key check, so a failure here is damage.
      const reason = e instanceof Error ? e.message : String(e)
      throw new JournalCorruptError(this.#options.storeId, name, reason, { cause: e })
    }
  }

  /**
   * Start persisting `driver`'s records (after `load`); snapshots serialize its engine.
   * @param driver the loaded driver
   */
  attach(driver: JournaledDriver): void {
    this.#driver = driver
    // A long replay makes the next boot slow: fold it into a snapshot now.
    if (this.#sinceSnapshot >= this.#snapshotEvery || this.#journalFiles >= this.#maxJournalFiles)
      this.#schedule()
  }

  /**
   * Queue a committed record; it becomes durable asynchronously (see `flush`).
   * @param record the record the driver just committed
   */
  enqueue(record: JournalRecord): void {
    if (this.#closed) return
    this.#pending.push(record)
    this.#schedule()
  }

  #schedule(): void {
    this.#drain ??= this.#run().finally(() => {
      this.#drain = undefined
      if (this.#pending.length > 0 && this.#error === undefined) this.#schedule()
    })
  }

  async #run(): Promise<void> {
    const { storage, cipher, storeId } = this.#options
    // Let the current synchronous burst of commits finish, so they share one file.
    await Promise.resolve()
    try {
      // Never image a database with a transaction open (the store's group commit keeps one
      // open until the end of the task): the image would hold uncommitted writes.
      const snapshotDue = () =>
        this.#driver !== undefined &&
        !this.#driver.inTransaction &&
        (this.#sinceSnapshot + this.#pending.length >= this.#snapshotEvery ||
          this.#journalFiles >= this.#maxJournalFiles)
      while (this.#pending.length > 0 || snapshotDue()) {
        if (snapshotDue()) {
          await this.#snapshot()
          continue
        }
        const records = this.#pending
        this.#pending = []
        const first = records[0]!.seq
        const last = records[records.length - 1]!.seq
        const name = batchName(first, last)
        const plain = encodeBatch(records)
        try {
          await storage.write(name, cipher === undefined ? plain : await cipher.encrypt(plain, name))
        } catch (e) {
          // Keep them queued: the next flush retries, and the journal never gets a gap.
          this.#pending = [...records, ...this.#pending]
          throw e
        }
        this.#durableHead = last
        this.#sinceSnapshot += records.length
        this.#journalFiles++
      }
      this.#error = undefined
    } catch (e) {
      const error =
        e instanceof PersistenceError
          ? e
          : new PersistenceError(storeId, 'writing the journal failed', { cause: e })
      this.#error = error
      this.#options.onError?.(error)
    }
  }

  async #snapshot(): Promise<void> {
    const driver = this.#driver!
    const { storage, cipher } = this.#options
    // serialize() runs between synchronous transactions, so the image is exactly `head`.
    const seq = driver.head
    const image = driver.engine.serialize()
    const covered = this.#pending
    this.#pending = []
    const name = snapshotName(seq)
    try {
      await storage.write(name, cipher === undefined ? image : await cipher.encrypt(image, name))
    } catch (e) {
      this.#pending = [...covered, ...this.#pending]
      throw e
    }
    this.#durableHead = Math.max(this.#durableHead, seq)
    this.#sinceSnapshot = 0
    this.#journalFiles = 0
    const obsolete = (await storage.list()).filter((n) => {
      const p = parseName(n)
      return p !== null && (p.kind === 's' ? p.seq < seq : p.last <= seq)
    })
    await storage.remove(obsolete)
  }

  /**
   * Resolve when every record committed so far is durable. After a failed write the
   * records stay queued and each `flush` retries them.
   * @returns a promise that rejects with PersistenceError while writes keep failing
   * @example
   * store.commit(events.todoCreated({ id: 't1', title: 'Milk' }))
   * await driver.flush() // now on disk
   */
  async flush(): Promise<void> {
    // After a failed write, flushing retries (storage may have been freed meanwhile).
    if (this.#error !== undefined && this.#pending.length > 0) this.#schedule()
    while (this.#drain !== undefined) await this.#drain
    if (this.#error !== undefined) throw this.#error
  }

  /**
   * Write a snapshot now (e.g. before closing a big store) and wait for it.
   * @returns when it is durable
   */
  async snapshotNow(): Promise<void> {
    await this.flush()
    if (this.#driver === undefined || this.#driver.inTransaction) return
    try {
      await this.#snapshot()
    } catch (e) {
      throw new PersistenceError(this.#options.storeId, 'writing a snapshot failed', { cause: e })
    }
  }

  /** Flush and stop accepting records. */
  async close(): Promise<void> {
    await this.flush().finally(() => {
      this.#closed = true
    })
  }

  /** Every file name this persister may own (for tests and devtools). */
  static isOwnFile(name: string): boolean {
    return parseName(name) !== null || (KEY_FILES as readonly string[]).includes(name)
  }
}
