/**
 * Opens a journaled store database: engine + durable storage + optional encryption +
 * tab leadership, wired together. `browserAdapter` (WASM engine, OPFS / IndexedDB) and
 * `encryptedNodeAdapter` (better-sqlite3 in memory, a directory) are thin choices of
 * engine and storage over this one function, so both behave identically.
 */
import type { SqliteDriver } from '../adapters/adapter.js'
import { type EncryptionOptions, openStoreCipher } from '../encryption/store-key.js'
import { StoreError } from '../errors.js'
import type { EventInput } from '../events/define.js'
import type { JournalRecord } from './codec.js'
import { CommitIds } from './commit-ids.js'
import type { MemoryEngine } from './engine.js'
import { NotLeaderError, PersistenceError } from './errors.js'
import { CommitForwarder } from './forward.js'
import type { ForwardedWrites } from './forwarded-writes.js'
import { JournaledDriver } from './journal.js'
import { type LoadReport, Persister } from './persister.js'
import type { DurableStorage } from './storage/storage.js'
import { claimLeadership, type Leadership, storeChannel, type TabMessage } from './tabs.js'

/**
 * Options of `openJournaledDriver`.
 * @example
 * const options: OpenJournaledOptions = { storeId: 'app', engine, storage, encryption: { passphrase } }
 */
export interface OpenJournaledOptions {
  readonly storeId: string
  readonly engine: MemoryEngine
  readonly storage: DurableStorage
  /** Encrypt every persisted file (see docs/decisions/0039). */
  readonly encryption?: EncryptionOptions | undefined
  /** Records between snapshots (default 2,000). */
  readonly snapshotEvery?: number | undefined
  /** Coordinate tabs with Web Locks + BroadcastChannel (default: when available). */
  readonly multiTab?: boolean | undefined
  /** Background persistence failures (also rejected by `flush`). */
  readonly onPersistenceError?: ((error: PersistenceError) => void) | undefined
  /**
   * In a follower tab: each commit forwarded to the leader that failed there
   * (MaterializerError, PersistenceError, …; the next `flush` rejects with it too).
   */
  readonly onForwardError?: ((error: StoreError) => void) | undefined
  /**
   * In a follower tab: how long `flush()` waits for the leader tab to answer forwarded
   * commits before rejecting with `forward_timeout` (default 10,000 ms; decision 0062).
   */
  readonly forwardTimeoutMs?: number | undefined
}

/**
 * A store database whose state lives in memory (synchronous reads and writes) and whose
 * committed transactions are persisted as a journal plus snapshots.
 * @example
 * const driver = await browserAdapter().open({ storeId: 'app' })
 * driver.role // 'leader' | 'follower'
 * await driver.flush()
 */
export interface JournaledStoreDriver extends SqliteDriver {
  /**
   * `'leader'` owns and persists the database; `'follower'` is a read replica whose
   * commits are forwarded to the leader (docs/decisions/0058).
   */
  readonly role: 'leader' | 'follower'
  /** Seq of the last committed journal record. */
  readonly head: number
  /** Where the files are (`opfs:/strata/app`, `indexeddb:…`, a directory). */
  readonly location: string
  /** What boot loaded. */
  readonly loaded: LoadReport
  /**
   * Resolve when every commit so far is durable. In a follower: when every commit this
   * tab forwarded was applied by the leader, is durable and shows here; rejects with the
   * first that failed since the last flush (MaterializerError, PersistenceError, …), with
   * `forward_unanswered` once this tab closed before the leader answered, or with
   * `forward_timeout` when the leader did not answer within `forwardTimeoutMs` (the
   * commits stay sent; a later flush reports them, decision 0062).
   */
  flush(): Promise<void>
  /**
   * The store's seam: resolve when every record this tab committed so far is durable (its
   * journal write landed); rejects while writes fail. The store pushes only durable
   * events (decision 0036). Unlike `flush`, ignores forwarded commits.
   */
  whenDurable(): Promise<void>
  /**
   * The store's seam: in a follower, send validated events to the leader tab and return
   * true (the caller must not write); in the leader, return false.
   */
  forwardCommit(events: readonly EventInput[]): boolean
  /** The store's seam: this tab's forwarded writes its replica does not show yet. */
  readonly forwardedWrites: ForwardedWrites
  /** The store's seam: how the leader commits events forwarded by other tabs. */
  serveForwardedCommits(apply: (events: readonly EventInput[]) => void): void
  /** Resolves when this tab owns the database (leads and has caught up). */
  whenOwner(): Promise<void>
  /** Called after changes made by another tab were applied here; returns an unsubscribe. */
  onExternalChange(fn: () => void): () => void
  /** Close, after pending writes finish. */
  closeAsync(): Promise<void>
}

/** setTimeout's largest delay: longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * Check a `forwardTimeoutMs` option: milliseconds from 1 to 2^31 − 1, `Infinity`, or none.
 * @param ms the option
 * @param where the function it was given to (named in the error)
 * @throws StoreError `option_invalid`
 * @example
 * checkForwardTimeout(500, 'browserAdapter') // fine
 */
export function checkForwardTimeout(ms: number | undefined, where: string): void {
  if (ms === undefined || ms === Number.POSITIVE_INFINITY) return
  if (typeof ms !== 'number' || !(ms >= 1 && ms <= MAX_TIMER_MS))
    throw new StoreError(
      'option_invalid',
      `${where}({ forwardTimeoutMs: ${String(ms)} }): must be milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity`,
    )
}

const RECENT_RECORDS = 1000
/** First pause before a failed promotion is tried again (doubling up to the max). */
const PROMOTE_RETRY_MS = 100
const PROMOTE_RETRY_MAX_MS = 30_000
/** How long a new follower waits for the leader to send what storage does not hold yet. */
const CATCH_UP_MS = 2000

/**
 * Open (load or create) a journaled store database.
 * @param options engine, storage, encryption, tab coordination
 * @returns the driver, ready for `createStore`
 * @throws WrongKeyError / EncryptionMismatchError / JournalCorruptError; StoreError
 *   `option_invalid` for a `forwardTimeoutMs` out of range
 * @example
 * const driver = await openJournaledDriver({
 *   storeId: 'app',
 *   engine: openWasmEngine(await loadSqliteWasm()),
 *   storage: await opfsStorage('app'),
 * })
 */
export async function openJournaledDriver(options: OpenJournaledOptions): Promise<JournaledStoreDriver> {
  const { storeId, engine, storage } = options
  checkForwardTimeout(options.forwardTimeoutMs, 'openJournaledDriver')
  const cipher = await openStoreCipher(storage, storeId, options.encryption)
  const multiTab = options.multiTab ?? true
  const leadership: Leadership = multiTab
    ? await claimLeadership(storeId)
    : { isLeader: true, onPromoted: () => {}, release: () => {} }
  const channel = multiTab ? storeChannel(storeId) : undefined
  const tabId = Math.random().toString(36).slice(2)
  const recent: JournalRecord[] = []
  const listeners = new Set<() => void>()
  /** Leads and has caught up: commits here, applies other tabs' forwarded commits. */
  let owning = false
  let closing: Promise<void> | undefined
  let becameOwner: () => void = () => {}
  const owner = new Promise<void>((resolve) => {
    becameOwner = resolve
  })
  const post = (msg: TabMessage) => {
    try {
      channel?.postMessage(msg)
    } catch {
      // closed while an answer was pending: the follower resends to the next leader
    }
  }
  const persister = new Persister({
    storeId,
    storage,
    cipher,
    snapshotEvery: options.snapshotEvery,
    onError: options.onPersistenceError,
  })
  const forwarder = new CommitForwarder({
    storeId,
    tabId,
    post,
    owns: () => owning,
    head: () => driver.head,
    durable: () => persister.flush(),
    onError: options.onForwardError,
    applied: (id) => commitIds.has(id),
    timeoutMs: options.forwardTimeoutMs,
  })
  const driver = new JournaledDriver(engine, {
    location: storage.location,
    // Owning, not only holding the lock: a promoted tab that wrote before its load would
    // number its record over one the old leader made durable (two histories for one seq).
    refuseWrite: (sql) => (owning ? undefined : new NotLeaderError(storeId, sql)),
    // The id of a forwarded commit is stored in its own transaction (commit-ids.ts).
    beforeCommit: () => {
      const applying = forwarder.current
      if (applying !== undefined) commitIds.record(applying.id, applying.first)
    },
    onRecord: (plain) => {
      // Tag the record with the forwarded commit it applies (see forward.ts).
      const tag = forwarder.current?.id
      const record = tag === undefined ? plain : { ...plain, tags: [tag] }
      forwarder.observe(record)
      persister.enqueue(record)
      recent.push(record)
      if (recent.length > RECENT_RECORDS) recent.shift()
      post({ t: 'records', records: [record] })
    },
    onApplied: (record) => forwarder.observe(record),
  })
  const commitIds = new CommitIds(driver)

  // Followers listen before loading so nothing committed meanwhile is missed.
  const inbox: TabMessage[] = []
  let loadedYet = false
  const notify = () => {
    for (const fn of listeners) fn()
    forwarder.advanced()
  }
  /** Set while a new follower waits for the leader's answer to its first `need`. */
  let caughtUp: (() => void) | undefined
  /**
   * Records the old leader broadcast that reached this tab after the lock did (it died
   * before they were delivered; they may be neither durable nor anywhere else): applied
   * once storage is loaded, so this tab neither drops commits the other tabs already
   * show nor numbers its own records (and seqs) over them.
   */
  const late: JournalRecord[] = []
  const adoptLate = () => {
    const adopt: JournalRecord[] = []
    for (const r of late.splice(0).sort((x, y) => x.seq - y.seq)) {
      if (r.seq <= driver.head + adopt.length) continue
      if (r.seq !== driver.head + adopt.length + 1) break
      adopt.push(r)
    }
    if (adopt.length > 0) driver.apply(adopt)
  }
  const onFollowerMessage = (msg: TabMessage) => {
    if ((msg.t === 'records' || msg.t === 'image') && msg.tab === tabId) caughtUp?.()
    if (msg.t === 'records') {
      const fresh = msg.records.filter((r) => r.seq > driver.head)
      if (fresh.length === 0) return
      if (fresh[0]!.seq !== driver.head + 1) {
        channel?.postMessage({ t: 'need', from: driver.head + 1, tab: tabId } satisfies TabMessage)
        return
      }
      driver.apply(fresh)
      notify()
    } else if (msg.t === 'image' && msg.tab === tabId && msg.head > driver.head) {
      driver.restore(msg.image, msg.head)
      notify()
    }
  }
  const onLeaderMessage = (msg: TabMessage): void => {
    if (msg.t !== 'need') return
    // A new follower that storage already brought up to date: nothing to send.
    if (msg.from > driver.head) {
      post({ t: 'records', records: [], tab: msg.tab })
      return
    }
    // Never hand out an image with a transaction open (group commit spans a task).
    if (driver.inTransaction) {
      setTimeout(() => onLeaderMessage(msg), 0)
      return
    }
    const first = recent[0]
    if (first !== undefined && first.seq <= msg.from) {
      post({ t: 'records', records: recent.filter((r) => r.seq >= msg.from), tab: msg.tab })
    } else {
      post({ t: 'image', head: driver.head, image: engine.serialize(), tab: msg.tab })
    }
  }
  const route = (msg: TabMessage): void => {
    if (msg.t === 'commit') {
      if (leadership.isLeader) forwarder.received(msg)
    } else if (msg.t === 'done') forwarder.answered(msg)
    else if (msg.t === 'leader') {
      if (!leadership.isLeader) forwarder.leaderChanged()
    } else if (leadership.isLeader) {
      if (msg.t === 'records' && !owning) late.push(...msg.records)
      else onLeaderMessage(msg)
    } else onFollowerMessage(msg)
  }
  if (channel !== undefined) {
    channel.onmessage = (event: MessageEvent<TabMessage>) => {
      if (!loadedYet) inbox.push(event.data)
      else route(event.data)
    }
  }

  // A follower must not delete what looks unfinished: it may be the leader's write in flight.
  const loaded = await persister.load(driver, leadership.isLeader)
  loadedYet = true
  if (leadership.isLeader) {
    persister.attach(driver)
    owning = true
    becameOwner()
  }
  for (const msg of inbox.splice(0)) route(msg)

  leadership.onPromoted(() => {
    // The old leader is gone: take whatever it made durable, then persist what only this
    // replica saw (records broadcast but not yet written) as a snapshot.
    caughtUp?.()
    void (async () => {
      const before = driver.head
      // A failed step (quota, storage evicted) is retried until it works: this tab holds
      // the lock, so no other tab can own the database meanwhile, and until it owns, the
      // commits of every tab wait for it (forwarded, answered once it owns).
      for (let attempt = 0; ; attempt++) {
        if (closing !== undefined) return
        try {
          await persister.load(driver)
          adoptLate()
          persister.attach(driver)
          // Always, not only when ahead of `durableHead`: that counts files by name, and the
          // old leader may have died mid-write, leaving a file this replica did not need to
          // read (it was past it) that is empty. The snapshot covers it and removes it.
          if (driver.head > 0) await persister.snapshotNow()
          break
        } catch (e) {
          const wait = Math.min(PROMOTE_RETRY_MS * 2 ** attempt, PROMOTE_RETRY_MAX_MS)
          options.onPersistenceError?.(
            e instanceof PersistenceError
              ? e
              : new PersistenceError(
                  storeId,
                  `taking over as the leader tab failed (retrying in ${wait} ms)`,
                  {
                    cause: e,
                  },
                ),
          )
          await new Promise((r) => setTimeout(r, wait))
        }
      }
      if (closing !== undefined) return
      owning = true
      becameOwner()
      if (driver.head !== before) notify()
      // Apply this tab's own unanswered commits, then tell followers to resend theirs.
      forwarder.drain()
      post({ t: 'leader' })
    })().catch((e: unknown) => {
      options.onPersistenceError?.(
        e instanceof PersistenceError
          ? e
          : new PersistenceError(storeId, 'taking over as the leader tab failed', { cause: e }),
      )
    })
  })

  if (!leadership.isLeader && channel !== undefined) {
    // Storage may lag the leader (its newest writes in flight, or a store it has just
    // created): ask it for what this replica lacks before the store boots on it.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => caughtUp?.(), CATCH_UP_MS)
      caughtUp = () => {
        caughtUp = undefined
        clearTimeout(timer)
        resolve()
      }
      post({ t: 'need', from: driver.head + 1, tab: tabId })
    })
  }

  const closeAsync = () => {
    closing ??= (async () => {
      // Forwarded commits arriving from now on are left to the next leader (followers resend).
      owning = false
      try {
        forwarder.closing()
        if (leadership.isLeader) await persister.close()
      } finally {
        leadership.release()
        channel?.close()
        forwarder.closed()
        driver.close()
        storage.close()
      }
    })()
    return closing
  }

  const result: JournaledStoreDriver = {
    kind: driver.kind,
    location: storage.location,
    loaded,
    get role() {
      return leadership.isLeader ? 'leader' : 'follower'
    },
    get head() {
      return driver.head
    },
    exec: (sql) => driver.exec(sql),
    prepare: (sql) => driver.prepare(sql),
    transaction: (fn) => driver.transaction(fn),
    flush: async () => {
      await forwarder.settled()
      await persister.flush()
    },
    whenDurable: () => persister.flush(),
    forwardCommit: (events) => forwarder.forward(events),
    forwardedWrites: forwarder.writes,
    serveForwardedCommits: (apply) => forwarder.serve(apply),
    whenOwner: () => owner,
    onExternalChange(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    close() {
      void closeAsync().catch(() => {})
    },
    closeAsync,
  }
  return result
}
