/**
 * Sync status as core stores. Owns the five status nodes (`online`, `syncing`,
 * `pendingCount`, `lastSyncedAt`, `error`) and their one combined view. They are nodes of
 * the same core graph as every other Strata store, so an app's `computed`/`effect` (or a
 * framework binding) reads them like any signal. Only the sync client writes them.
 */
import { batch, computed, type ReadableStore, signal } from '@strata/core'
import type { SyncClientError } from '../errors.js'

/**
 * A snapshot of every status field at once.
 *
 * @example
 * ```ts
 * const s: SyncStatusSnapshot = client.status.all.get()
 * if (!s.online && s.pendingCount > 0) console.log(`${s.pendingCount} changes will sync later`)
 * ```
 */
export interface SyncStatusSnapshot {
  /** Connected to the server and past the handshake. */
  online: boolean
  /** Work is under way: catching up with the server or pushing pending events. */
  syncing: boolean
  /** Local events not yet confirmed by the server. */
  pendingCount: number
  /** When the client last was fully in sync (nothing pending, caught up), ms since epoch; null before that. */
  lastSyncedAt: number | null
  /** The last error (connection, server), null once the client is healthy again. */
  error: SyncClientError | null
}

/**
 * The read side the app sees: one store per field, plus `all` combining them.
 *
 * @example
 * ```ts
 * effect(() => {
 *   badge.textContent = client.status.online.get() ? `${client.status.pendingCount.get()} pending` : 'offline'
 * })
 * ```
 */
export interface SyncStatus {
  readonly online: ReadableStore<boolean>
  readonly syncing: ReadableStore<boolean>
  readonly pendingCount: ReadableStore<number>
  readonly lastSyncedAt: ReadableStore<number | null>
  readonly error: ReadableStore<SyncClientError | null>
  /** Every field in one object (recomputed when any changes). */
  readonly all: ReadableStore<SyncStatusSnapshot>
}

/**
 * The write side, kept by the sync client.
 *
 * @example
 * ```ts
 * const w: SyncStatusWriter = createSyncStatus()
 * w.patch({ online: true })
 * ```
 */
export interface SyncStatusWriter {
  readonly status: SyncStatus
  /** Sets several fields at once; observers see one change. */
  patch(changes: Partial<SyncStatusSnapshot>): void
  /** The current values, untracked. */
  snapshot(): SyncStatusSnapshot
}

/**
 * Creates the status stores with their initial values (offline, idle).
 *
 * @param initial - starting values, e.g. the pending count already in the local store
 * @returns the writer; hand `writer.status` to the app
 * @example
 * ```ts
 * const w = createSyncStatus({ pendingCount: store.sync.pending().length })
 * w.patch({ online: true, syncing: true })
 * w.status.online.get() // true
 * ```
 */
export function createSyncStatus(initial: Partial<SyncStatusSnapshot> = {}): SyncStatusWriter {
  const online = signal(initial.online ?? false)
  const syncing = signal(initial.syncing ?? false)
  const pendingCount = signal(initial.pendingCount ?? 0)
  const lastSyncedAt = signal<number | null>(initial.lastSyncedAt ?? null)
  const error = signal<SyncClientError | null>(initial.error ?? null)
  const all = computed<SyncStatusSnapshot>(() => ({
    online: online.get(),
    syncing: syncing.get(),
    pendingCount: pendingCount.get(),
    lastSyncedAt: lastSyncedAt.get(),
    error: error.get(),
  }))
  const status: SyncStatus = { online, syncing, pendingCount, lastSyncedAt, error, all }
  return {
    status,
    patch(changes) {
      batch(() => {
        if (changes.online !== undefined) online.set(changes.online)
        if (changes.syncing !== undefined) syncing.set(changes.syncing)
        if (changes.pendingCount !== undefined) pendingCount.set(changes.pendingCount)
        if (changes.lastSyncedAt !== undefined) lastSyncedAt.set(changes.lastSyncedAt)
        if (changes.error !== undefined) error.set(changes.error)
      })
    },
    snapshot: () => ({
      online: online.peek(),
      syncing: syncing.peek(),
      pendingCount: pendingCount.peek(),
      lastSyncedAt: lastSyncedAt.peek(),
      error: error.peek(),
    }),
  }
}
