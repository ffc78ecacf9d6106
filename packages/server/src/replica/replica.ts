/**
 * One store's materialized replica on the server: an in-memory `@strata/store` built
 * from the same schema as the clients, seeded from the server's log and kept at the
 * log's head (or opened from its last saved image and caught up from there; decision
 * 0064). It judges pushed events by applying them through the store's own
 * upstream path (`store.sync.applyUpstream`, the path every client takes for confirmed
 * events): an event whose materializer throws is refused and leaves no trace, the
 * events after it are judged against the state without it (decision 0059).
 */
import {
  createStore,
  type EventRecord,
  EventValidationError,
  MaterializerError,
  type Store,
  type StoreSchema,
  UnknownEventError,
} from '@strata/store'
import { memoryAdapter, memoryImage } from '@strata/store/node'
import type { ConfirmedEvent, PushedEvent } from '@strata/sync'
import type { ReplicaImage, SyncStorage, Verdict } from '../storage/storage.js'

/** The replica's own client id: never a pushing client's, so no event is "its own". */
const REPLICA_CLIENT_ID = 'strata-server-replica'
/** Events read from the log per page while seeding or catching up. */
const PAGE = 5_000

/**
 * Whether `error` is the event's own fault (its materializer threw, or its payload does
 * not fit the schema) — a verdict on the event, not a failure of the replica.
 */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof MaterializerError ||
    error instanceof EventValidationError ||
    error instanceof UnknownEventError
  )
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.length > 500 ? `${message.slice(0, 497)}...` : message
}

/**
 * A materialized replica of one store. Create with {@link Replica.open}.
 *
 * @example
 * ```ts
 * const replica = await Replica.open(schema, storage, 'team:core')
 * const verdicts = replica.judge(await storage.head('team:core'), pushedEvents)
 * replica.close()
 * ```
 */
export class Replica {
  /** Highest gseq reflected (applied, or skipped as unappliable while seeding). */
  head = 0
  /** Set when the replica may hold state the log does not: discard it, never judge with it. */
  broken = false
  /** Confirmed events the replica could not apply while seeding (see decision 0059). */
  skipped = 0
  /** `Date.now()` of the last use (for idle eviction). */
  lastUsed = Date.now()
  /** Where it was seeded from: the saved image (then caught up) or the whole log. */
  seededFrom: 'image' | 'log' = 'log'
  /**
   * Pushes judged by this replica whose transaction has not settled yet: while > 0 the
   * replica may hold events that will not be committed, so no image is taken.
   */
  busy = 0
  /** Events applied since the last image was taken (or since seeding). */
  sinceImage = 0
  private sinceCompact = 0
  private catching: Promise<void> | undefined

  private constructor(
    readonly storeId: string,
    private readonly schema: StoreSchema,
    private readonly store: Store,
    private readonly storage: SyncStorage,
    private readonly compactEvery: number,
  ) {}

  /**
   * Opens the in-memory store of `storeId` from its saved image when the storage keeps
   * one made with this schema and not ahead of the log, else empty, and catches it up
   * to the log's head.
   * @param schema - the full store schema (tables, events, materializers)
   * @param storage - the server's log
   * @param storeId - the store to mirror
   * @param options - `compactEvery`: snapshot and drop the replica's own log after this many events (default 10,000)
   * @returns the seeded replica
   */
  static async open(
    schema: StoreSchema,
    storage: SyncStorage,
    storeId: string,
    options: { compactEvery?: number } = {},
  ): Promise<Replica> {
    const open = (image?: Uint8Array) =>
      createStore({
        schema,
        adapter: memoryAdapter(image ? { image } : {}),
        storeId,
        clientId: REPLICA_CLIENT_ID,
      })
    const image = await usableImage(schema, storage, storeId)
    let store: Store | undefined
    if (image) {
      // A damaged image is not fatal: the log is the source of truth.
      store = await open(image.bytes).catch(() => undefined)
      // The image must open as is: a rebuild would run on a compacted log.
      if (store && store.boot.mode !== 'opened') {
        store.close()
        store = undefined
      }
    }
    const replica = new Replica(
      storeId,
      schema,
      store ?? (await open()),
      storage,
      options.compactEvery ?? 10_000,
    )
    if (store && image) {
      replica.head = image.head
      replica.seededFrom = 'image'
    }
    try {
      await replica.catchUp()
    } catch (e) {
      replica.close()
      throw e
    }
    return replica
  }

  /**
   * Applies what the log holds beyond {@link Replica.head} (events other nodes committed,
   * or the whole log when seeding). Concurrent calls share one read loop.
   */
  catchUp(): Promise<void> {
    this.catching ??= (async () => {
      try {
        for (;;) {
          const page = await this.storage.read(this.storeId, this.head, PAGE)
          if (page.length === 0 || this.broken || this.store.closed) return
          this.applyConfirmed(page)
        }
      } finally {
        this.catching = undefined
      }
    })()
    return this.catching
  }

  /**
   * Judges `candidates` as the next events after `head`, applying the accepted ones.
   * The caller (the storage, inside the push transaction) appends exactly the accepted
   * ones with gseq `head + 1, head + 2, …`.
   * @param head - the store's head, locked by the push transaction
   * @param candidates - fresh events the schema and permissions accept, in seq order
   * @returns one verdict per candidate, or undefined when the replica is not at `head`
   */
  judge(head: number, candidates: readonly PushedEvent[]): (Verdict | undefined)[] | undefined {
    this.lastUsed = Date.now()
    if (this.broken || this.store.closed) return undefined
    if (this.head !== head) {
      // Ahead of the log: it applied events that were then not committed. Never trust it again.
      if (this.head > head) this.broken = true
      return undefined
    }
    const records = candidates.map((e, i) => this.record(e, head + i + 1))
    try {
      // The common case: everything applies; one transaction for the whole push.
      this.store.sync.applyUpstream(records)
      this.advance(head + records.length, records.length)
      return candidates.map(() => undefined)
    } catch {
      // Some materializer threw and the batch rolled back: judge one by one.
    }
    const verdicts: (Verdict | undefined)[] = []
    let next = head
    for (const e of candidates) {
      try {
        this.store.sync.applyUpstream([this.record(e, next + 1)])
        next++
        verdicts.push(undefined)
      } catch (error) {
        if (!isRefusal(error)) {
          // Not the event's fault (the replica itself failed): never refuse for it. The
          // push is retried on a fresh replica; nothing is recorded meanwhile.
          this.broken = true
          return undefined
        }
        verdicts.push({ code: 'invalid', reason: reasonOf(error) })
      }
    }
    this.advance(next, next - head)
    return verdicts
  }

  /**
   * The replica as an image to save, or undefined when it must not be saved: broken,
   * closed, or with a judged push not settled (it may hold uncommitted events).
   * @returns the image, reflecting exactly the events up to `head`
   */
  image(): ReplicaImage | undefined {
    if (this.broken || this.busy > 0 || this.store.closed) return undefined
    return { head: this.head, schemaHash: this.schema.hash, bytes: memoryImage(this.store) }
  }

  /** Closes the in-memory store. */
  close(): void {
    if (!this.store.closed) this.store.close()
  }

  private record(e: PushedEvent, gseq: number): EventRecord {
    // Judge the args the log will hold and clients receive (JSON text: a number that
    // overflowed to Infinity is stored as null), and a copy a materializer cannot change.
    const args = e.args === undefined ? undefined : JSON.parse(JSON.stringify(e.args))
    return e.ts === undefined
      ? { name: e.name, args, clientId: e.clientId, seq: e.seq, gseq }
      : { name: e.name, args, clientId: e.clientId, seq: e.seq, gseq, ts: e.ts }
  }

  private applyConfirmed(page: readonly ConfirmedEvent[]): void {
    const fresh = page.filter((e) => e.gseq > this.head)
    const last = fresh[fresh.length - 1]
    if (!last) return
    try {
      this.store.sync.applyUpstream(fresh)
    } catch {
      // An accepted event the current materializers refuse (the schema changed since, or
      // a materializer is not deterministic): skip it, as nothing else can be done with it.
      for (const e of fresh) {
        try {
          this.store.sync.applyUpstream([e])
        } catch (error) {
          if (!isRefusal(error)) throw error
          this.skipped++
        }
      }
    }
    this.advance(last.gseq, fresh.length)
  }

  private advance(head: number, applied: number): void {
    this.head = head
    this.sinceImage += applied
    this.sinceCompact += applied
    if (this.sinceCompact >= this.compactEvery) {
      this.sinceCompact = 0
      // The replica never needs its own log: keep memory to the state (plus one snapshot).
      const snap = this.store.snapshot()
      this.store.compact()
      let rows = 0
      for (const n of Object.values(snap.rows)) rows += n
      // Snapshots cost O(state): take them at most once per `state` events (amortized O(1)).
      this.sinceCompact = -Math.max(0, rows - this.compactEvery)
    }
  }
}

/** The storage's image of `storeId` if it was made with `schema` and is not ahead of the log. */
async function usableImage(
  schema: StoreSchema,
  storage: SyncStorage,
  storeId: string,
): Promise<ReplicaImage | undefined> {
  if (!storage.loadImage) return undefined
  const image = await storage.loadImage(storeId)
  if (!image || image.schemaHash !== schema.hash) return undefined
  // Ahead of the log (a database restored from an older backup): its gseqs may name
  // other events now.
  return image.head <= (await storage.head(storeId)) ? image : undefined
}
