/**
 * Rollback and rebase of pending events — the algorithm behind `applyUpstream` and
 * `reject`. Pending events carry undo entries (pre-images recorded by the writer);
 * rolling back applies them newest-first, which restores exactly the confirmed state
 * (client-only events never touch synced tables, so they stay). Rebase re-runs the
 * pending materializers on top of the new confirmed state, recording fresh undo.
 *
 * All functions expect to run inside one open transaction of the engine.
 */
import type { EventRecord } from '../events/record.js'
import type { UndoEntry } from '../materializers/writer.js'
import type { Engine } from '../store/engine.js'
import type { LogRow } from '../store/log.js'

/**
 * A pending event whose materializer failed while being re-applied.
 * @example
 * store.sync.onRebaseFailure((fails) => fails.forEach((f) => console.warn(f.name, f.seq, f.error)))
 */
export interface RebaseFailure {
  readonly seq: number
  readonly name: string
  readonly error: unknown
}

/** Undo every pending event's effects, newest first. */
export function rollbackPending(engine: Engine, pending: readonly LogRow[]): void {
  for (let i = pending.length - 1; i >= 0; i--) {
    const row = pending[i] as LogRow
    if (row.undo) engine.writer.applyUndo(JSON.parse(row.undo) as UndoEntry[])
  }
}

/**
 * Re-apply pending events in commit order, recording fresh undo entries. A pending
 * event that now fails is kept pending (the server decides its fate) with no local
 * effect, and reported.
 */
export function replayPending(engine: Engine, pending: readonly LogRow[]): RebaseFailure[] {
  const failures: RebaseFailure[] = []
  const w = engine.writer
  for (const row of pending) {
    engine.begin()
    w.undo = []
    try {
      engine.materialize(row.name, JSON.parse(row.args))
      engine.log.setUndo(row.id, JSON.stringify(w.undo))
      engine.commit()
    } catch (error) {
      engine.rollback()
      engine.log.setUndo(row.id, '[]')
      failures.push({ seq: row.seq ?? 0, name: row.name, error })
    } finally {
      w.undo = null
    }
  }
  // Every pending event is in `pending` (id order): none is below the first one.
  engine.log.setPendingFloor(pending[0]?.id ?? engine.maxId + 1)
  return failures
}

/**
 * Apply server-ordered events: roll back pending, apply upstream, confirm our own,
 * rebase the rest. Returns the new confirmed head and rebase failures.
 */
export function applyUpstreamInTx(
  engine: Engine,
  clientId: string,
  confirmedHead: number,
  events: readonly EventRecord[],
): { head: number; failures: RebaseFailure[] } {
  const pending = engine.log.pendingRows()
  rollbackPending(engine, pending)
  const ownPending = new Map<number | null, number>()
  for (const row of pending) if (row.client_id === clientId) ownPending.set(row.seq, row.id)
  let head = confirmedHead
  const w = engine.writer
  w.undo = null
  for (const ev of events) {
    const gseq = ev.gseq as number
    if (gseq <= head || engine.log.hasGseq(gseq)) continue
    const ownId = ev.clientId === clientId ? ownPending.get(ev.seq) : undefined
    if (ownId !== undefined) {
      engine.log.confirm(ownId, gseq)
      ownPending.delete(ev.seq)
    } else {
      engine.maxId++
      engine.log.append(
        engine.maxId,
        ev.name,
        JSON.stringify(ev.args),
        ev.clientId,
        ev.seq,
        gseq,
        ev.ts ?? null,
        true,
        null,
      )
    }
    engine.materialize(ev.name, ev.args)
    head = gseq
  }
  const failures = replayPending(engine, engine.log.pendingRows())
  return { head, failures }
}
