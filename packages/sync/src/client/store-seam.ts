/**
 * What the sync client needs from a local store: the sync seam of `@strata/store`
 * (`store.sync`, agreed in the store ⇄ sync contract). Declared here structurally so
 * the client depends on the shape, not on the store's internals; any object with this
 * shape can be synced.
 */
import type { ConfirmedEvent } from '../protocol/index.js'

/**
 * A committed event as the store keeps it: pending while `gseq` is absent.
 *
 * @example
 * ```ts
 * const e: SyncEventRecord = { name: 'v1.ProjectCreated', args: { id: 'p1' }, clientId: 'c1', seq: 1 }
 * ```
 */
export interface SyncEventRecord {
  name: string
  args: unknown
  clientId: string
  seq: number
  gseq?: number | undefined
  ts?: number | undefined
}

/**
 * The store's sync seam. Every method is synchronous: the store is local SQLite.
 *
 * @example
 * ```ts
 * const seam: StoreSyncSeam = store.sync
 * seam.onPending(() => console.log(seam.pending().length, 'pending'))
 * ```
 */
export interface StoreSyncSeam {
  /** This replica's client id (persisted per store file). */
  readonly clientId: string
  /** Local synced events not yet confirmed, in seq order (persisted). */
  pending(): readonly SyncEventRecord[]
  /** Highest gseq applied from upstream (0 initially; persisted). */
  confirmedHead(): number
  /** Rebase: roll back pending, apply these confirmed events, drop confirmed pending, replay the rest. */
  applyUpstream(events: readonly ConfirmedEvent[]): void
  /** Removes one pending event the server refused, rolling back and replaying the rest. */
  reject(seq: number, reason: string): void
  /** Called after a local commit adds pending events. Returns an unsubscribe function. */
  onPending(fn: () => void): () => void
  /**
   * Optional: the server has processed this client's events up to `lastSeq` (from its
   * `welcome`). A store whose own history is shorter (restored from a backup, or a new
   * file given an existing client id) starts its next commits after it, so they are not
   * mistaken for re-pushes of events the server already has, and checks pending events
   * at or below it against the server's events of their seqs (decision 0065).
   */
  advanceSeq?(lastSeq: number): void
  /**
   * Optional: this session's catch-up is complete (every server event up to the head its
   * `welcome` announced is applied). A pending event still at or below the welcome's
   * `lastSeq` was refused under that seq, possibly as another event of ours (a restored
   * store file): the store gives it and every later pending event new seqs after the
   * server's, so the server judges it afresh (decision 0065).
   */
  caughtUp?(): void
  /** Optional fast path: number of pending events without reading them. */
  pendingCount?(): number
  /**
   * Optional: resolves when this tab owns the store's database (a browser store shared
   * by several tabs). Until then the tab is no candidate for syncing, so the syncing tab
   * is always the one that can apply upstream events.
   */
  whenOwner?(): Promise<void>
}

/**
 * A store the client can sync: it exposes the seam as `sync` (a `@strata/store` Store)
 * or `syncState`, and usually its store id.
 *
 * @example
 * ```ts
 * const syncable: SyncableStore = store // a @strata/store Store: { storeId, sync }
 * ```
 */
export type SyncableStore = { readonly storeId?: string } & (
  | { readonly sync: StoreSyncSeam }
  | { readonly syncState: StoreSyncSeam }
)
