/**
 * The public store: `commit` (validate → materialize in one transaction → append to
 * the log → notify live queries), synchronous `query`, live `queryDb`, the sync seam,
 * snapshots and devtools. Engine internals live in `engine.ts`; rebase in `sync/`.
 */
import type { SqliteDriver } from '../adapters/adapter.js'
import type { ForwardedWrites } from '../browser/forwarded-writes.js'
import type { Collection, CollectionDef } from '../collections/collection.js'
import { bindCollection } from '../collections/collection.js'
import type { CommitInfo, StoreDevtools } from '../devtools/devtools.js'
import { createDevtools } from '../devtools/devtools.js'
import type { ClientDocumentDef, ClientDocumentHandle } from '../documents/client-document.js'
import { documentHandle } from '../documents/client-document.js'
import { EventRejectedError, StoreClosedError, StoreError, UnknownEventError } from '../errors.js'
import type { AnyEventDef, EventDef, EventInput } from '../events/define.js'
import type { EventRecord } from '../events/record.js'
import { validateArgs, validateEvent } from '../events/validate.js'
import type { LiveQuery, LiveQueryOptions } from '../live/live-query.js'
import { LiveRegistry } from '../live/live-query.js'
import type { Touched } from '../materializers/writer.js'
import type { Query } from '../query/query.js'
import type { StoreSchema } from '../schema/make-schema.js'
import type { SnapshotInfo } from '../snapshot/snapshot.js'
import { compactLog, takeSnapshot } from '../snapshot/snapshot.js'
import { DurableGate } from '../sync/durable-gate.js'
import type { RebaseFailure } from '../sync/rebase.js'
import { applyUpstreamInTx, replayPending, rollbackPending, type UpstreamResult } from '../sync/rebase.js'
import type { BootReport } from './boot.js'
import type { Engine } from './engine.js'
import { exactStringify } from './exact-json.js'
import { toRecord } from './log.js'
import { rebuildState as rebuildFromLog } from './rebuild.js'

/**
 * An event the schema `S` defines, ready to commit.
 * @example
 * const ev: CommitEvent<typeof schema> = events.todoCreated({ id: 'a', title: 'A' })
 */
export type CommitEvent<S extends StoreSchema> =
  S extends StoreSchema<infer E>
    ? { [K in keyof E]: E[K] extends EventDef<infer N, infer I, unknown> ? EventInput<N, I> : never }[keyof E]
    : never

/**
 * What the sync client uses (see STORE-SYNC.md): pending events, the confirmed head,
 * upstream application with rebase, rejection.
 * @example
 * const { pending, applyUpstream, onPending } = store.sync
 * onPending(() => push(pending()))
 * socket.on('events', (evs) => applyUpstream(evs))
 */
export interface SyncState {
  /** Persisted id of this client (generated once per store file). */
  readonly clientId: string
  /**
   * Local synced events not yet confirmed, in seq order: those durable locally, so the
   * only ones that may be pushed (a driver persisting in the background, like the
   * browser's, holds the newest back until its write landed; decision 0036).
   */
  pending(): EventRecord[]
  /**
   * Every pending event, durable or not (for progress counts). Present only on stores
   * whose driver persists in the background (otherwise it equals `pending().length`).
   */
  pendingCount?(): number
  /** Highest gseq applied from upstream (0 initially; persisted). */
  confirmedHead(): number
  /** Highest seq this client has committed. */
  lastSeq(): number
  /**
   * The server has processed this client's events up to `lastSeq` (its `welcome`): if
   * that is above {@link lastSeq}, this log lacks some of its own history (a store file
   * restored from a backup, or a new file given an existing client id), so later
   * commits start after `lastSeq` instead of reusing seqs the server would take for
   * re-pushes (persisted). For the rest of the session, a pending event with a seq at or
   * below `lastSeq` is compared with the server's event of that seq before it counts as
   * confirmed; if they differ it is renumbered, with every later pending event (0065).
   * @throws StoreError `argument_invalid` unless `lastSeq` is an integer ≥ 0
   * @example
   * store.sync.advanceSeq(welcome.lastSeq) // what @strata/sync does on every welcome
   */
  advanceSeq(lastSeq: number): void
  /**
   * The sync client has applied every server event up to the head the server announced
   * when this session began. A pending event still at or below that session's `lastSeq`
   * (see {@link advanceSeq}) was not sent back, so the server refused the event it took
   * under that seq: this event, whose refusal was lost with the connection, or another
   * event of ours that had the seq first (a restored store file). The server would
   * answer a push of it with that old refusal, so it gets a seq after the server's, with
   * every later pending event, in commit order, and the server judges it afresh
   * (decision 0065). Ends the session's check of pending seqs.
   * @example
   * store.sync.caughtUp() // what @strata/sync does once its catch-up is complete
   */
  caughtUp(): void
  /**
   * Apply server-ordered events (with gseq; may include our own) in ONE transaction:
   * roll back pending, apply upstream, confirm ours, rebase the rest, advance the head.
   * Live queries are notified once. Already-applied gseqs are skipped.
   */
  applyUpstream(events: readonly EventRecord[]): void
  /** The server refused pending event `seq`: remove it, rebase the rest, notify `onRejection`. */
  reject(seq: number, reason: string): void
  /**
   * Called after a local commit adds pending events and, with a driver persisting in the
   * background, again once they are durable (then `pending()` shows them). @returns unsubscribe
   */
  onPending(fn: () => void): () => void
  /** Called after pending events failed to re-apply during a rebase (kept pending). */
  onRebaseFailure(fn: (failures: readonly RebaseFailure[]) => void): () => void
  /**
   * Browser store shared by tabs: resolves when this tab owns the database (only then
   * may its sync client lead, decision 0058). Absent for single-owner drivers.
   */
  whenOwner?(): Promise<void>
}

/** @internal */
export interface StoreInit {
  readonly storeId: string
  readonly clientId: string
  readonly engine: Engine
  readonly boot: BootReport
  readonly durability: 'commit' | 'batched'
  readonly now: () => number
}

const MAX_GROUP = 2000

/**
 * The log text of a validated payload. Only plain JSON (objects, arrays, strings, finite
 * numbers, booleans, null) is replayed as it was committed, so anything else (a Date, a
 * bigint, a Map, ±Infinity, an `undefined` payload…) is refused before anything is written.
 */
function jsonArgs(name: string, value: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {}
  if (text === undefined || !plain(value))
    throw new StoreError('event_args_not_json', `Event "${name}" payload is not plain JSON`)
  return text
}

/** Whether `v` reads back from its JSON text as itself (`undefined` fields aside). */
function plain(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v)
  if (typeof v !== 'object' || v === null)
    return v === null || typeof v === 'string' || typeof v === 'boolean'
  const proto = Object.getPrototypeOf(v)
  return (
    (proto === Array.prototype || proto === Object.prototype || proto === null) &&
    Object.values(v).every((x) => x === undefined || plain(x))
  )
}

/**
 * An open event-sourced store. Create it with `createStore`.
 * @example
 * const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'todos' })
 * store.commit(events.todoCreated({ id: 't1', title: 'Buy milk' }))
 * store.query(tables.todos.where({ id: 't1' }).first())?.title // 'Buy milk'
 * const open$ = store.queryDb(tables.todos.where({ done: false }).count())
 * open$.subscribe((n) => console.log(n, 'open'))
 */
export class Store<S extends StoreSchema = StoreSchema> {
  readonly storeId: string
  readonly schema: S
  /** What happened while opening (normal open, crash recovery, rebuild…). */
  readonly boot: BootReport
  /** Inspection hooks for the devtools page. */
  readonly devtools: StoreDevtools
  /** The sync seam. */
  readonly sync: SyncState
  readonly #engine: Engine
  readonly #live: LiveRegistry
  readonly #clientId: string
  readonly #now: () => number
  readonly #durability: 'commit' | 'batched'
  readonly #pendingListeners = new Set<() => void>()
  readonly #rejectionListeners = new Set<(e: EventRejectedError) => void>()
  readonly #rebaseListeners = new Set<(f: readonly RebaseFailure[]) => void>()
  readonly #commitListeners = new Set<(info: CommitInfo) => void>()
  #nextSeq: number
  /**
   * The server's `lastSeq` for us when the sync session began (`advanceSeq`): a pending
   * event up to it may share its seq with another event of ours the server has (0065).
   */
  #suspectTo = 0
  /** The highest seq of ours the server is known to have (`welcome`, upstream events). */
  #serverTop = 0
  /** Log ids up to this one were read for own seqs (`#afterExternalChange` reads only newer rows). */
  #seqReadTo: number
  #confirmedHead: number
  #closed = false
  #commits = 0
  #events = 0
  #group = 0
  #groupTimer: ReturnType<typeof setTimeout> | undefined
  /** First seq of the open group (`durability: 'batched'`) with synced events; 0 = none. */
  #groupFirstSeq = 0
  /** Drivers persisting in the background: holds back events until durable (0036). */
  readonly #gate: DurableGate | undefined
  readonly #stopExternal: (() => void) | undefined
  /** Browser follower tabs: sends a validated commit to the leader tab (decision 0058). */
  readonly #forward: ((events: readonly EventInput[]) => boolean) | undefined
  /**
   * @internal Browser tabs: this tab's forwarded writes its replica does not show yet,
   * for collections' and client documents' read-modify-write (decision 0058).
   */
  readonly forwarded: ForwardedWrites | undefined

  /** @internal use `createStore` */
  constructor(schema: S, init: StoreInit) {
    this.storeId = init.storeId
    this.schema = schema
    this.boot = init.boot
    this.#engine = init.engine
    this.#clientId = init.clientId
    this.#now = init.now
    this.#durability = init.durability
    const log = init.engine.log
    // Own seqs of rows up to meta `seqReadTo` are at most meta `lastSeq` (written at close):
    // read only the rows after it, not the whole log (a cold read of every page of a
    // 100k-event log took ~60 ms of a ~90 ms boot). A mark above the log's highest id
    // does not describe this log: read all of it.
    const mark = Number(log.meta('seqReadTo') ?? 0)
    const from = mark <= init.engine.maxId ? mark : 0
    this.#nextSeq = Math.max(log.maxSeq(init.clientId, from), Number(log.meta('lastSeq') ?? 0)) + 1
    this.#seqReadTo = init.engine.maxId
    this.#confirmedHead = Number(log.meta('confirmedHead') ?? 0)
    this.#live = new LiveRegistry(
      (q) => this.#engine.run(q),
      (sql) => this.#engine.stmts.get(sql),
      new Set(schema.tablesByName.keys()),
      init.now,
    )
    this.devtools = createDevtools({
      engine: init.engine,
      assertOpen: () => this.#assertOpen(),
      liveInfo: () => this.#live.info(),
      commitListeners: this.#commitListeners,
      counters: () => ({ commits: this.#commits, events: this.#events }),
    })
    const persisting = init.engine.driver as { whenDurable?: () => Promise<void> }
    this.#gate =
      typeof persisting.whenDurable === 'function'
        ? new DurableGate(
            () => persisting.whenDurable!(),
            () => this.#notifyPending(),
          )
        : undefined
    this.sync = this.#syncState()
    // Drivers shared between tabs (the browser driver) apply other tabs' commits under
    // the store; listen so the cached log position and live queries follow them.
    const shared = init.engine.driver as {
      onExternalChange?: (fn: () => void) => () => void
      forwardCommit?: (events: readonly EventInput[]) => boolean
      forwardedWrites?: ForwardedWrites
      serveForwardedCommits?: (apply: (events: readonly EventInput[]) => void) => void
    }
    this.#stopExternal =
      typeof shared.onExternalChange === 'function'
        ? shared.onExternalChange(() => this.#afterExternalChange())
        : undefined
    // A follower tab's commits are applied by the leader tab's store, with this function.
    this.#forward = shared.forwardCommit
    this.forwarded = shared.forwardedWrites
    shared.serveForwardedCommits?.((evs) => {
      this.#commitAny(evs)
      this.flush()
    })
  }

  /**
   * Another tab committed (or this tab was promoted to leader): re-read the log position
   * and sync counters the store caches, then re-run live queries. Which rows changed is
   * unknown here, so every table counts as touched; equal results are still cut off.
   */
  #afterExternalChange(): void {
    if (this.#closed) return
    const engine = this.#engine
    const log = engine.log
    engine.maxId = log.maxId()
    // Another tab's commits only add rows above the ids read so far, so read only those
    // (a follower tab hears every commit; scanning the whole log each time cost O(log)).
    // A log whose ids went below that was replaced: read all of it.
    const from = engine.maxId < this.#seqReadTo ? 0 : this.#seqReadTo
    this.#nextSeq =
      Math.max(log.maxSeq(this.#clientId, from), Number(log.meta('lastSeq') ?? 0), this.#nextSeq - 1) + 1
    this.#seqReadTo = engine.maxId
    this.#confirmedHead = Number(log.meta('confirmedHead') ?? 0)
    this.#live.notify(new Map([...this.schema.tablesByName.keys()].map((k) => [k, null] as const)))
  }

  /** The driver kind (`'better-sqlite3'`, `'wasm'`…). */
  get driverKind(): string {
    return this.#engine.driver.kind
  }

  /** @internal the open driver (for adapters' tests and devtools downloads) */
  get driver(): SqliteDriver {
    return this.#engine.driver
  }

  /**
   * Commit events atomically: every payload is validated first (nothing is touched if
   * one fails), then all materializers run in one SQLite transaction with the log
   * append; any throw rolls everything back. Live queries are notified synchronously.
   * In a browser follower tab the events are validated here, then committed by the
   * leader tab; they show here one message hop later (`await adapter.flush()` waits for
   * them and rejects if the leader refused them; decision 0058).
   * Payloads must be plain JSON: each materializer gets its payload parsed from the
   * logged JSON text, exactly what a rebase or rebuild replays.
   * If a live query's listener throws, the commit stands: pending events are announced
   * (`sync.onPending`) and the commit feed told, then the error is re-thrown (0003).
   * @param events events built by their definitions, e.g. `events.todoCreated({...})`
   * @throws EventValidationError naming the event and field; UnknownEventError;
   *   StoreError `event_args_not_json` for a payload that is not plain JSON (a Date,
   *   bigint, Map, ±Infinity, undefined…); StoreError `write_in_materializer` when
   *   called from a materializer; MaterializerError naming the event; StoreClosedError
   * @example
   * store.commit(events.projectCreated({ id, title }), events.messageAdded({ id: m1, projectId: id, content: 'hi' }))
   */
  commit(...events: readonly CommitEvent<S>[]): void {
    this.#commitAny(events as readonly EventInput[])
  }

  /**
   * Commit events of any schema-defined name (collections, documents, tools). @internal
   * @returns the events' arguments as validated: what is logged (the materializers get
   *   their JSON text parsed, as a replay does; in a follower tab, the leader's do)
   */
  commitAny(events: readonly EventInput[]): readonly unknown[] {
    return this.#commitAny(events)
  }

  #commitAny(events: readonly EventInput[]): unknown[] {
    this.#assertWritable()
    const n = events.length
    if (n === 0) return []
    const t0 = this.#now()
    const defs: AnyEventDef[] = new Array(n)
    const values: unknown[] = new Array(n)
    const texts: string[] = new Array(n)
    const byName = this.schema.eventsByName
    for (let i = 0; i < n; i++) {
      const e = events[i] as EventInput
      const def = byName.get(e?.name)
      if (def === undefined) throw new UnknownEventError(String(e?.name))
      defs[i] = def
      values[i] = validateArgs(def, e.args)
      texts[i] = jsonArgs(def.eventName, values[i])
    }
    if (this.#forward?.(events) === true) return values
    const engine = this.#engine
    const w = engine.writer
    w.touched = new Map()
    const ts = Date.now()
    const startId = engine.maxId
    const firstSeq = this.#nextSeq
    let seq = firstSeq
    let anySynced = false
    const records: EventRecord[] | undefined = this.#commitListeners.size > 0 ? [] : undefined
    this.#beginCommit()
    try {
      for (let i = 0; i < n; i++) {
        const def = defs[i] as AnyEventDef
        const synced = def.synced
        w.undo = synced ? [] : null
        // what a replay hands it: the logged text, parsed (its own copy to change freely)
        const args = texts[i] as string
        engine.materialize(def.eventName, JSON.parse(args))
        const s = synced ? seq++ : null
        engine.log.append(
          ++engine.maxId,
          def.eventName,
          args,
          this.#clientId,
          s,
          null,
          ts,
          synced,
          w.undo ? exactStringify(w.undo) : null,
        )
        if (synced) anySynced = true
        records?.push({ name: def.eventName, args: values[i], clientId: this.#clientId, seq: s ?? 0, ts })
      }
      w.undo = null
      engine.setApplied(engine.maxId)
      this.#endCommit()
    } catch (e) {
      w.undo = null
      engine.maxId = startId
      this.#abortCommit()
      throw e
    }
    this.#nextSeq = seq
    this.#commits++
    this.#events += n
    // A listener may commit while it is notified (and replace `w.touched`).
    const touched = w.touched
    // The commit stands whatever a live query's listener throws: the sync client and
    // the commit feed are told first, then the error is re-thrown (decision 0003).
    const failed = this.#afterWrite(touched)
    if (anySynced) {
      // With group commit, tell the sync client only once the events are durable: a
      // pushed event that a crash then lost locally would reuse its seq.
      if (this.#engine.depth > 0) this.#groupFirstSeq ||= firstSeq
      else this.#committedSeqs(firstSeq)
    }
    if (records) this.#emitCommit(records, touched, t0)
    if (failed) throw failed.e
    return values
  }

  #beginCommit(): void {
    const engine = this.#engine
    if (this.#durability === 'batched' && engine.depth === 0) {
      engine.begin()
      this.#group = 0
      this.#groupTimer = setTimeout(() => this.flush(), 0)
    }
    engine.begin()
  }

  #endCommit(): void {
    this.#engine.commit()
    if (this.#durability === 'batched' && ++this.#group >= MAX_GROUP) this.flush()
  }

  #abortCommit(): void {
    this.#engine.rollback()
  }

  /**
   * Make every commit durable now (only matters with `durability: 'batched'`, where
   * commits are grouped into one SQLite transaction until the end of the task).
   * @example store.flush()
   */
  flush(): void {
    if (this.#durability !== 'batched' || this.#engine.depth === 0) return
    clearTimeout(this.#groupTimer)
    this.#groupTimer = undefined
    this.#engine.commit()
    if (this.#groupFirstSeq > 0) {
      const first = this.#groupFirstSeq
      this.#groupFirstSeq = 0
      this.#committedSeqs(first)
    }
  }

  /**
   * Synced events `first..` were committed (transaction closed). Their count changes now;
   * with a driver persisting in the background they become pushable later (the gate calls
   * back), otherwise they are durable already.
   */
  /** Pending events got the seqs `first`…`last` (0065): they are new to the server. */
  #renumbered({ first, last }: { first: number; last: number }): void {
    this.#nextSeq = Math.max(this.#nextSeq, last + 1)
    // A renumbering undone by a power cut after its push would be renumbered again next
    // session and reach the server twice: make it durable first.
    this.#engine.driver.durableNow?.()
    // push them (once durable)
    this.#committedSeqs(first)
  }

  #committedSeqs(first: number): void {
    this.#gate?.committed(first, this.#nextSeq - 1)
    this.#notifyPending()
  }

  #notifyPending(): void {
    if (this.#closed) return
    for (const fn of this.#pendingListeners) fn()
  }

  /**
   * Notify live queries. @returns what a listener threw, for the caller to re-throw once
   * the store's own bookkeeping and listeners are done (the write stands; decision 0003)
   */
  #afterWrite(touched: Touched): { e: unknown } | undefined {
    try {
      this.#live.notify(touched)
    } catch (e) {
      return { e }
    }
    return undefined
  }

  #emitCommit(records: EventRecord[], touched: Touched, t0: number): void {
    const info: CommitInfo = { events: records, tables: [...touched.keys()], ms: this.#now() - t0 }
    for (const fn of this.#commitListeners) fn(info)
  }

  /**
   * Run a query synchronously against current state.
   * @param q a builder, `first()`/`count()` query, raw SQL, or a live query
   * @returns the result
   * @example
   * const open = store.query(tables.todos.where({ done: false }).orderBy('createdAt', 'desc').limit(50))
   */
  query<R>(q: Query<R> | LiveQuery<R>): R {
    this.#assertOpen()
    if ('compile' in q) return this.#engine.run(q.compile())
    return q.get()
  }

  /**
   * A live query: a core store whose value is the query result, re-run only when a
   * commit may change it (see decision 0031) and cut off when the result is equal.
   * Equal queries share one node.
   * @param q the query, or a function returning it
   * @param options label for devtools; deps accepted for LiveStore compatibility
   * @returns a read-only core store (use in `computed`, `effect`, bindings)
   * @example
   * const todo$ = store.queryDb(tables.todos.where({ id }).first(), { label: 'todo' })
   * const title$ = computed(() => todo$.get()?.title ?? '')
   */
  queryDb<R>(q: Query<R> | (() => Query<R>), options?: LiveQueryOptions): LiveQuery<R> {
    this.#assertOpen()
    return this.#live.get(q, options)
  }

  /**
   * Subscribe to a query result (shorthand for `queryDb(q).subscribe(fn)`).
   * @param q the query
   * @param fn called now and on every change
   * @returns unsubscribe
   * @example const off = store.subscribe(tables.todos.count(), (n) => render(n))
   */
  subscribe<R>(q: Query<R>, fn: (value: R) => void): () => void {
    return this.queryDb(q).subscribe(fn)
  }

  /**
   * A client document (local-only UI state) as a core store with `set`/`update`.
   * @param def from `clientDocument({...})`, registered in the schema's `modules`
   * @param id the key (one value per key), default `'default'`
   * @returns the handle
   * @example
   * const ui = store.document(uiState)
   * ui.update({ searchQuery: 'milk' })
   */
  document<T>(def: ClientDocumentDef<T>, id = 'default'): ClientDocumentHandle<T> {
    this.#assertModule(def.table.name, def.name)
    return documentHandle(this, def, id)
  }

  /**
   * The Appwrite-like document API of a collection.
   * @param def from `defineCollection({...})`, registered in the schema's `modules`
   * @returns the collection API
   * @example
   * const projects = store.collection(projectsDef)
   * projects.create({ title: 'My app', status: 'active' })
   */
  collection<T extends Record<string, unknown>>(def: CollectionDef<T>): Collection<T> {
    this.#assertModule(def.table.name, def.name)
    return bindCollection(this, def)
  }

  #assertModule(tableName: string, name: string): void {
    if (!this.schema.tablesByName.has(tableName))
      throw new StoreError(
        'module_missing',
        `"${name}" is not part of this store's schema: add it to makeSchema({ modules: [...] })`,
      )
  }

  /**
   * Be told when the server rejected one of our pending events.
   * @param fn receives an EventRejectedError (event name, seq, reason)
   * @returns unsubscribe
   * @example store.onRejection((e) => toast(`Not saved: ${e.reason}`))
   */
  onRejection(fn: (error: EventRejectedError) => void): () => void {
    this.#rejectionListeners.add(fn)
    return () => this.#rejectionListeners.delete(fn)
  }

  /**
   * Store a snapshot of the confirmed state in the log database (used by `compact`
   * and by rebuilds after compaction).
   * @returns what was stored
   * @example store.snapshot(); store.compact()
   */
  snapshot(): SnapshotInfo {
    this.#assertOpen()
    this.flush()
    return takeSnapshot(this.#engine, this.#confirmedHead, Date.now())
  }

  /**
   * Drop log events covered by the latest snapshot that the server has confirmed
   * (never pending events). @returns number of events removed
   * @example store.snapshot(); const removed = store.compact()
   */
  compact(): number {
    this.#assertOpen()
    this.flush()
    return compactLog(this.#engine, this.#nextSeq - 1)
  }

  /**
   * Drop the materialized state and rebuild it from the log (snapshot + events).
   * @example store.rebuild()
   */
  rebuild(): void {
    this.#assertOpen()
    this.flush()
    const epoch = Number(this.#engine.log.meta('epoch') ?? 0)
    rebuildFromLog(this.#engine, epoch)
    this.#live.notify(new Map([...this.schema.tablesByName.keys()].map((k) => [k, null] as const)))
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Flush and close the database. Further use throws StoreClosedError.
   * @example store.close()
   */
  close(): void {
    if (this.#closed) return
    this.flush()
    this.#markSeqs()
    this.#closed = true
    this.#engine.closed = true
    this.#gate?.close()
    this.#stopExternal?.()
    this.#engine.driver.close()
  }

  /**
   * Record that own seqs of every row so far are at most `lastSeq`, so the next boot reads
   * only newer rows. Not for drivers shared by tabs (a follower may not write; their
   * log lives in memory anyway). Best effort: a store that cannot write still closes, and
   * the next boot reads more of the log.
   */
  #markSeqs(): void {
    const engine = this.#engine
    const log = engine.log
    if (this.#stopExternal !== undefined || this.#forward !== undefined) return
    if (Number(log.meta('seqReadTo') ?? 0) === engine.maxId) return
    try {
      engine.tx(() => {
        log.setMeta('lastSeq', Math.max(this.#nextSeq - 1, Number(log.meta('lastSeq') ?? 0)))
        log.setMeta('seqReadTo', engine.maxId)
      })
    } catch {
      // read-only or full disk: nothing is lost, the mark only saves reading
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError(this.storeId)
  }

  /** Open, and not called from a materializer (its write would share the running event's seq and undo). */
  #assertWritable(): void {
    this.#assertOpen()
    if (this.#engine.materializing > 0)
      throw new StoreError('write_in_materializer', 'A materializer may not commit')
  }

  #syncState(): SyncState {
    const engine = this.#engine
    const store = this
    const shared = engine.driver as { whenOwner?: () => Promise<void> }
    return {
      ...(typeof shared.whenOwner === 'function' ? { whenOwner: () => shared.whenOwner!() } : {}),
      clientId: this.#clientId,
      pending: () => {
        this.#assertOpen()
        // Only durable events may be pushed.
        this.flush()
        const rows = engine.log.pendingRows()
        const visible = (this.#gate === undefined ? rows : this.#gate.visible(rows)).map(toRecord)
        // commit (id) order is seq order, except after a collided event got a new seq (0065)
        for (let i = 1; i < visible.length; i++)
          if ((visible[i] as EventRecord).seq < (visible[i - 1] as EventRecord).seq)
            return visible.sort((a, b) => a.seq - b.seq)
        return visible
      },
      ...(this.#gate === undefined
        ? {}
        : {
            pendingCount: () => {
              this.#assertOpen()
              this.flush()
              return engine.log.pendingCount()
            },
          }),
      confirmedHead: () => this.#confirmedHead,
      lastSeq: () => this.#nextSeq - 1,
      advanceSeq(lastSeq) {
        store.#assertOpen()
        if (!Number.isSafeInteger(lastSeq) || lastSeq < 0)
          throw new StoreError('argument_invalid', `advanceSeq needs a seq ≥ 0, got ${String(lastSeq)}`)
        store.#suspectTo = Math.max(store.#suspectTo, lastSeq)
        store.#serverTop = Math.max(store.#serverTop, lastSeq)
        if (lastSeq < store.#nextSeq) return
        store.flush()
        engine.tx(() =>
          engine.log.setMeta('lastSeq', Math.max(lastSeq, Number(engine.log.meta('lastSeq') ?? 0))),
        )
        store.#nextSeq = lastSeq + 1
      },
      caughtUp() {
        store.#assertOpen()
        const suspectTo = store.#suspectTo
        if (suspectTo === 0) return
        store.flush()
        let renumbered: { first: number; last: number } | undefined
        engine.tx(() => {
          renumbered = engine.log.renumberPendingFrom(
            (row) => (row.seq as number) <= suspectTo,
            Math.max(suspectTo, store.#serverTop) + 1,
          )
          if (renumbered)
            engine.log.setMeta('lastSeq', Math.max(renumbered.last, Number(engine.log.meta('lastSeq') ?? 0)))
        })
        if (renumbered) store.#renumbered(renumbered)
        store.#suspectTo = 0
      },
      applyUpstream(events) {
        store.#assertWritable()
        if (events.length === 0) return
        events = [...events].sort((a, b) => (a.gseq ?? 0) - (b.gseq ?? 0))
        for (const ev of events) {
          if (
            typeof ev.clientId !== 'string' ||
            !(ev.seq >= 1 && ev.gseq! >= 1 && Number.isSafeInteger(ev.seq) && Number.isSafeInteger(ev.gseq))
          )
            throw new StoreError(
              'upstream_invalid',
              `Upstream event "${ev.name}" needs a client id, a seq and a gseq (integers ≥ 1)`,
            )
          const v = validateEvent(store.schema, ev)
          if (!v.ok) throw v.error
        }
        // Our own events can come back that this log never had pending (a store file
        // restored from a backup, or a new file given an existing client id): later
        // commits must not reuse their seqs, or the server would take them for re-pushes.
        let nextSeq = store.#nextSeq
        let serverTop = store.#serverTop
        for (const ev of events)
          if (ev.clientId === store.#clientId) {
            if (ev.seq >= nextSeq) nextSeq = ev.seq + 1
            if (ev.seq > serverTop) serverTop = ev.seq
          }
        store.flush()
        const w = engine.writer
        w.touched = new Map()
        let result: UpstreamResult | undefined
        engine.tx(() => {
          const lastId = engine.maxId
          const r = applyUpstreamInTx(engine, store.#clientId, store.#confirmedHead, events, {
            suspectTo: store.#suspectTo,
            serverTop,
          })
          result = r
          // renumbered rows may lie below the boot mark (`seqReadTo`): keep `lastSeq` above them
          if (r.renumbered)
            engine.log.setMeta(
              'lastSeq',
              Math.max(r.renumbered.last, Number(engine.log.meta('lastSeq') ?? 0)),
            )
          if (r.head !== store.#confirmedHead) engine.log.setMeta('confirmedHead', r.head)
          // Boot replays a crash-lost state tail in log id order; that is only right while
          // nothing was rebased (a rebase bumps the epoch, and boot then rebuilds).
          if (r.reordered) store.#bumpEpoch()
          else if (engine.maxId !== lastId) engine.setApplied(engine.maxId)
        })
        if (!result) return
        store.#confirmedHead = result.head
        store.#serverTop = serverTop
        const renumbered = result.renumbered
        // the counter first: a live query's listener may commit while it is notified
        store.#nextSeq = renumbered ? Math.max(nextSeq, renumbered.last + 1) : nextSeq
        const failed = store.#afterWrite(w.touched)
        if (renumbered) store.#renumbered(renumbered)
        if (result.failures.length) for (const fn of store.#rebaseListeners) fn(result.failures)
        if (failed) throw failed.e
      },
      reject(seq, reason) {
        store.#assertWritable()
        store.flush()
        const w = engine.writer
        w.touched = new Map()
        let removed: { name: string } | undefined
        let failures: RebaseFailure[] = []
        engine.tx(() => {
          const pending = engine.log.pendingRows()
          rollbackPending(engine, pending)
          removed = engine.log.removePending(store.#clientId, seq)
          // Ids are never given out twice (the boot mark of 0066 and the pending floor count
          // on it): a removed top row must not lower the log's highest id at the next boot.
          if (removed) engine.log.setMeta('idFloor', engine.maxId)
          failures = replayPending(engine, engine.log.pendingRows())
          store.#bumpEpoch()
        })
        const failed = store.#afterWrite(w.touched)
        if (removed) {
          const err = new EventRejectedError(removed.name, seq, reason)
          for (const fn of store.#rejectionListeners) fn(err)
        }
        if (failures.length) for (const fn of store.#rebaseListeners) fn(failures)
        if (failed) throw failed.e
      },
      onPending(fn) {
        store.#pendingListeners.add(fn)
        return () => store.#pendingListeners.delete(fn)
      },
      onRebaseFailure(fn) {
        store.#rebaseListeners.add(fn)
        return () => store.#rebaseListeners.delete(fn)
      },
    }
  }

  #bumpEpoch(): void {
    const engine = this.#engine
    const epoch = Number(engine.log.meta('epoch') ?? 0) + 1
    engine.log.setMeta('epoch', epoch)
    engine.setStateMeta('epoch', epoch)
    engine.setApplied(engine.maxId)
  }
}
