/**
 * The server's replicas: one materialized {@link Replica} per active store, opened and
 * seeded from the log on first use, evicted when idle or when too many are open, and
 * discarded (rebuilt on next use) whenever they may disagree with the log.
 */
import type { StoreSchema } from '@strata/store'
import type { Logger } from '../logger.js'
import type { Judge, SyncStorage } from '../storage/storage.js'
import type { EventSchemas } from '../validation.js'
import { Replica } from './replica.js'

/**
 * Options of the materializer dry run (`replicas` of `startSyncServer`).
 *
 * @example
 * ```ts
 * const replicas: ReplicaOptions = { maxReplicas: 200, idleMs: 60_000 }
 * ```
 */
export interface ReplicaOptions {
  /** Most replicas kept open; the least recently used is closed beyond it. Default 100. */
  maxReplicas?: number
  /** A replica unused this long is closed (re-seeded from the log on next use). Default 300,000 (5 min). */
  idleMs?: number
  /** Snapshot the replica and drop its own event log after this many events. Default 10,000. */
  compactEvery?: number
}

/**
 * Whether `schema` is a full store schema (tables and materializers, from `makeSchema`),
 * which the dry run needs; a plain `{ name: StandardSchema }` map only checks payloads.
 *
 * @param schema - the server's event schemas
 * @returns true for a `makeSchema(...)` result
 * @example
 * ```ts
 * isFullStoreSchema(makeSchema({ events, tables, materializers })) // true
 * isFullStoreSchema({ 'v1.X': z.object({}) }) // false
 * ```
 */
export function isFullStoreSchema(schema: EventSchemas | undefined): schema is StoreSchema {
  if (!schema || !('materializers' in schema) || !('tablesByName' in schema)) return false
  const s = schema as Partial<StoreSchema>
  return s.materializers instanceof Map && s.tablesByName instanceof Map && s.eventsByName instanceof Map
}

/**
 * Per-store replicas of one server.
 *
 * @example
 * ```ts
 * const replicas = new Replicas(schema, storage, { idleMs: 60_000 })
 * const replica = await replicas.get('team:core')
 * await storage.append('team:core', 'c1', events, verdicts, replicas.judge(replica))
 * await replicas.close()
 * ```
 */
export class Replicas {
  private readonly open = new Map<string, Replica>()
  private readonly opening = new Map<string, Promise<Replica>>()
  private readonly maxReplicas: number
  private readonly idleMs: number
  private readonly compactEvery: number
  private readonly sweeper: ReturnType<typeof setInterval>
  private closed = false

  /**
   * @param schema - the full store schema
   * @param storage - the server's log
   * @param options - limits
   * @param logger - where seeding and skipped events are reported
   */
  constructor(
    private readonly schema: StoreSchema,
    private readonly storage: SyncStorage,
    options: ReplicaOptions = {},
    private readonly logger?: Logger,
  ) {
    this.maxReplicas = Math.max(1, options.maxReplicas ?? 100)
    this.idleMs = options.idleMs ?? 300_000
    this.compactEvery = options.compactEvery ?? 10_000
    this.sweeper = setInterval(() => this.sweep(Date.now()), Math.max(10, Math.min(this.idleMs, 60_000)))
    this.sweeper.unref()
  }

  /** @returns number of open replicas */
  get size(): number {
    return this.open.size
  }

  /**
   * The replica of `storeId`, opened and seeded from the log if there is none (or the
   * one there was discarded).
   * @param storeId - the store
   * @returns the replica, at the log's head as of seeding (or later)
   */
  async get(storeId: string): Promise<Replica> {
    const existing = this.open.get(storeId)
    if (existing && !existing.broken) {
      existing.lastUsed = Date.now()
      return existing
    }
    if (existing) this.discard(storeId)
    let opening = this.opening.get(storeId)
    if (!opening) {
      const started = performance.now()
      opening = Replica.open(this.schema, this.storage, storeId, { compactEvery: this.compactEvery }).finally(
        () => this.opening.delete(storeId),
      )
      this.opening.set(storeId, opening)
      const replica = await opening
      if (this.closed) {
        replica.close()
        return replica
      }
      // In use from now, not from when its seeding began: never the first one evicted.
      replica.lastUsed = Date.now()
      this.open.set(storeId, replica)
      this.logger?.info('replica seeded', {
        storeId,
        head: replica.head,
        ms: Math.round(performance.now() - started),
        ...(replica.skipped > 0 ? { skipped: replica.skipped } : {}),
      })
      if (replica.skipped > 0)
        this.logger?.warn('replica skipped confirmed events its materializers refuse', {
          storeId,
          skipped: replica.skipped,
        })
      this.evictBeyondMax()
      return replica
    }
    return opening
  }

  /**
   * The push transaction's judge for `replica` (see {@link Judge}).
   * @param replica - from {@link Replicas.get}
   * @returns the judge
   */
  judge(replica: Replica): Judge {
    return (head, candidates) => replica.judge(head, candidates)
  }

  /**
   * Another node committed up to `head`: catch the replica up in the background, so the
   * next push here rarely finds it behind.
   * @param storeId - the store
   * @param head - the announced head
   */
  remote(storeId: string, head: number): void {
    const replica = this.open.get(storeId)
    if (!replica || replica.head >= head) return
    replica.catchUp().catch((error: unknown) => {
      this.logger?.warn('replica catch-up failed', { storeId, error })
      this.discard(storeId)
    })
  }

  /**
   * Forgets `storeId`'s replica (it may disagree with the log); the next use re-seeds.
   * @param storeId - the store
   */
  discard(storeId: string): void {
    const replica = this.open.get(storeId)
    if (!replica) return
    this.open.delete(storeId)
    replica.close()
  }

  /**
   * Closes replicas unused since `now - idleMs`.
   * @param now - the current time (ms)
   */
  sweep(now: number): void {
    for (const [storeId, replica] of this.open)
      if (now - replica.lastUsed >= this.idleMs) this.discard(storeId)
  }

  /** Closes every replica. */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.sweeper)
    await Promise.allSettled([...this.opening.values()])
    for (const storeId of [...this.open.keys()]) this.discard(storeId)
  }

  private evictBeyondMax(): void {
    while (this.open.size > this.maxReplicas) {
      let oldest: Replica | undefined
      for (const r of this.open.values()) if (!oldest || r.lastUsed < oldest.lastUsed) oldest = r
      if (!oldest) return
      this.discard(oldest.storeId)
    }
  }
}
