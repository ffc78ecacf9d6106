/**
 * The server's replicas: one materialized {@link Replica} per active store, opened on
 * first use from its saved image (or the log), evicted when idle or when too many are
 * open, and discarded (rebuilt on next use) whenever they may disagree with the log.
 * Images are saved to the storage every `imageEvery` events, when a replica is evicted
 * and at close (decision 0064).
 */
import type { StoreSchema } from '@strata/store'
import { ConfigError } from '../errors.js'
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
  /**
   * Save the replica's image to the storage after this many events since the last one
   * (and when it is evicted or the server closes), so it reopens from the image instead
   * of replaying the whole log. Default 10,000; 0 never saves images.
   */
  imageEvery?: number
}

/**
 * Checks replica options before anything opens.
 * @param options - the `replicas` option of `startSyncServer`
 * @throws ConfigError `bad_replicas` naming the option
 * @internal
 */
export function checkReplicaOptions(options: ReplicaOptions): void {
  const mins: Record<keyof ReplicaOptions, number> = { maxReplicas: 1, idleMs: 1, compactEvery: 1, imageEvery: 0 }
  for (const [key, min] of Object.entries(mins)) {
    const value = options[key as keyof ReplicaOptions]
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= min))
      throw new ConfigError('bad_replicas', `replicas.${key} must be an integer ≥ ${min}, got ${String(value)}`)
  }
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
  private readonly imageEvery: number
  private readonly saving = new Set<Promise<void>>()
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
    this.imageEvery = options.imageEvery ?? 10_000
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
        from: replica.seededFrom,
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
   * Runs one push's durable append with `replica` judging it: the replica counts as busy
   * until the append settles (no image of a state that may not be committed), and an
   * image is saved afterwards once `imageEvery` events accumulated.
   * @param replica - from {@link Replicas.get}
   * @param append - the storage append, given the judge
   * @returns what the append returned
   */
  async judged<T>(replica: Replica, append: (judge: Judge) => Promise<T>): Promise<T> {
    replica.busy++
    let result: T
    try {
      result = await append(this.judge(replica))
    } finally {
      replica.busy--
    }
    // Only after a committed append: a failed one may have left uncommitted events in
    // the replica (the caller discards it).
    if (this.imageEvery > 0 && replica.sinceImage >= this.imageEvery) this.save(replica)
    return result
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
   * Closes `storeId`'s replica after saving its image (when it changed since the last
   * one and may be saved); the next use opens from that image.
   * @param storeId - the store
   */
  retire(storeId: string): void {
    const replica = this.open.get(storeId)
    if (!replica) return
    if (replica.sinceImage > 0) this.save(replica)
    this.discard(storeId)
  }

  /**
   * Closes replicas unused since `now - idleMs`, saving their images.
   * @param now - the current time (ms)
   */
  sweep(now: number): void {
    for (const [storeId, replica] of this.open)
      if (now - replica.lastUsed >= this.idleMs) this.retire(storeId)
  }

  /** Saves every replica's image, closes them, and waits for the saves. */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.sweeper)
    await Promise.allSettled([...this.opening.values()])
    for (const storeId of [...this.open.keys()]) this.retire(storeId)
    await Promise.allSettled([...this.saving])
  }

  /** Takes the replica's image now (if it may be saved) and writes it in the background. */
  private save(replica: Replica): void {
    const save = this.storage.saveImage
    if (this.imageEvery === 0 || !save) return
    const image = replica.image()
    if (!image) return
    replica.sinceImage = 0
    const started = performance.now()
    const done = save
      .call(this.storage, replica.storeId, image)
      .then(
        () =>
          this.logger?.info('replica image saved', {
            storeId: replica.storeId,
            head: image.head,
            bytes: image.bytes.byteLength,
            ms: Math.round(performance.now() - started),
          }),
        (error: unknown) =>
          this.logger?.warn('replica image not saved', { storeId: replica.storeId, head: image.head, error }),
      )
      .finally(() => this.saving.delete(done))
    this.saving.add(done)
  }

  private evictBeyondMax(): void {
    while (this.open.size > this.maxReplicas) {
      let oldest: Replica | undefined
      for (const r of this.open.values()) if (!oldest || r.lastUsed < oldest.lastUsed) oldest = r
      if (!oldest) return
      this.retire(oldest.storeId)
    }
  }
}
