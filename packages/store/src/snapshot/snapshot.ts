/**
 * Snapshots and log compaction. A snapshot stores the *confirmed* state (pending
 * events rolled back inside a savepoint, then restored) in the log database, so the
 * state can be rebuilt even after the events it covers are compacted away. Compaction
 * only drops events the server has confirmed (gseq ≤ snapshot head) and client-only
 * events the snapshot contains; pending events are never dropped.
 */
import { ident } from '../query/builder.js'
import type { Engine } from '../store/engine.js'
import { exactStringify } from '../store/exact-json.js'
import { rollbackPending } from '../sync/rebase.js'

/**
 * Result of `store.snapshot()`.
 * @example
 * const { head, rows } = store.snapshot()
 */
export interface SnapshotInfo {
  /** Confirmed head (gseq) the snapshot reflects. */
  readonly head: number
  /** Rows stored, per table. */
  readonly rows: Readonly<Record<string, number>>
  /** Size of the serialized snapshot (characters). */
  readonly size: number
}

/** Take a snapshot of confirmed state. @internal */
export function takeSnapshot(engine: Engine, confirmedHead: number, now: number): SnapshotInfo {
  return engine.tx(() => {
    const data: Record<string, Record<string, unknown>[]> = {}
    const rows: Record<string, number> = {}
    engine.begin()
    try {
      rollbackPending(engine, engine.log.pendingRows())
      for (const name of engine.schema.tablesByName.keys()) {
        const all = engine.stmts.get(`SELECT * FROM ${ident(name)}`).all()
        data[name] = all
        rows[name] = all.length
      }
    } finally {
      // Undo the rollback: the savepoint restores state with pending effects.
      engine.rollback()
      engine.writer.touched = new Map()
    }
    const text = exactStringify(data)
    engine.log.addSnapshot(confirmedHead, engine.maxId, engine.schema.hash, now, text)
    return { head: confirmedHead, rows, size: text.length }
  })
}

/** Compact the log against the latest snapshot. @returns events removed @internal */
export function compactLog(engine: Engine, ownLastSeq: number): number {
  const snap = engine.log.latestSnapshot()
  if (!snap) return 0
  return engine.tx(() => {
    // Remember our last seq: our own confirmed events may disappear from the log.
    engine.log.setMeta('lastSeq', Math.max(ownLastSeq, Number(engine.log.meta('lastSeq') ?? 0)))
    engine.log.setMeta('idFloor', engine.maxId)
    const removed = engine.log.compact(snap)
    if (removed > 0) {
      // from now on a rebuild must start from a snapshot (rebuild.ts)
      engine.log.setMeta('compacted', 1)
      const epoch = Number(engine.log.meta('epoch') ?? 0) + 1
      engine.log.setMeta('epoch', epoch)
      engine.setStateMeta('epoch', epoch)
    }
    return removed
  })
}
