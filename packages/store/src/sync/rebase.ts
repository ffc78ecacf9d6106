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
import { jsonEqual } from '../events/json-equal.js'
import type { Engine } from '../store/engine.js'
import { exactParse, exactStringify } from '../store/exact-json.js'
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
    if (row.undo) engine.writer.applyUndo(exactParse<UndoEntry[]>(row.undo))
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
      engine.log.setUndo(row.id, exactStringify(w.undo))
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

/** What {@link applyUpstreamInTx} did. */
export interface UpstreamResult {
  /** The new confirmed head (gseq). */
  readonly head: number
  /** Pending events that failed to re-apply (kept pending, no local effect). */
  readonly failures: RebaseFailure[]
  /**
   * Pending events were rolled back and replayed after upstream ones, so the state no
   * longer follows log id order: the caller bumps the log epoch (boot's drift check).
   */
  readonly reordered: boolean
  /**
   * New seqs `first..last` given, in commit order, to every pending event from the first
   * one whose seq the server had given to a *different* event of ours (a store file
   * restored from a backup, then edited before it synced; decision 0065). They stay
   * pending; none of them was pushed yet (the sync client holds pushes until it has
   * caught up whenever a pending seq is at or below the server's lastSeq).
   */
  readonly renumbered: { readonly first: number; readonly last: number } | undefined
}

/** What {@link applyUpstreamInTx} needs to know of this client's seqs (decision 0065). */
export interface SeqBounds {
  /** The server's lastSeq for us when the session began: pending seqs up to it are checked. */
  readonly suspectTo: number
  /** The highest seq of ours the server is known to have (this batch included). */
  readonly serverTop: number
}

/**
 * Whether the upstream event `ev` is the pending event `row`: same name, args and commit
 * time (a re-push carries the row's `ts`; an edit repeated by hand has its own).
 */
function sameEvent(row: LogRow, ev: EventRecord): boolean {
  return (
    row.name === ev.name &&
    (row.ts === null || ev.ts == null || row.ts === ev.ts) &&
    (row.args === JSON.stringify(ev.args) || jsonEqual(JSON.parse(row.args), ev.args))
  )
}

/**
 * Apply server-ordered events: confirm our own pending events in place while they
 * arrive in the order we committed them (the common case — no state change at all);
 * at the first event that is not the next pending one, roll back the pending events
 * left, apply the rest of upstream, and rebase those pending events on top.
 *
 * Confirming a prefix in place is exact: the state already is confirmed + that prefix,
 * applied in that order by the same deterministic materializers.
 */
export function applyUpstreamInTx(
  engine: Engine,
  clientId: string,
  confirmedHead: number,
  events: readonly EventRecord[],
  seqs: SeqBounds = { suspectTo: 0, serverTop: 0 },
): UpstreamResult {
  const { suspectTo } = seqs
  const log = engine.log
  const pending = log.pendingRows()
  // Upstream events arrive in gseq order, almost always above everything in the log
  // (initial sync: 100k of them): only a gseq at or below the log's highest can be a
  // redelivery, so only those cost a lookup.
  const known = log.maxGseq()
  let head = confirmedHead
  let next = 0 // pending[next]: the oldest pending event not confirmed yet
  let rest: LogRow[] | undefined // set once upstream diverged from our pending order
  const ownPending = new Map<number | null, LogRow>()
  const collided: LogRow[] = []
  // An own event with the seq of a pending one is normally that event. Up to the seq the
  // server had processed when this session began (`suspectTo`), it may be another event
  // that had the seq first (a restored backup): only there is the content compared.
  const mine = (row: LogRow, ev: EventRecord) => (row.seq as number) > suspectTo || sameEvent(row, ev)
  for (const ev of events) {
    const gseq = ev.gseq as number
    if (gseq <= head || (gseq <= known && log.hasGseq(gseq))) continue
    head = gseq
    if (!rest) {
      const row = pending[next]
      if (
        row &&
        ev.clientId === clientId &&
        row.client_id === clientId &&
        row.seq === ev.seq &&
        mine(row, ev)
      ) {
        log.confirm(row.id, gseq)
        next++
        continue
      }
      // Diverged: undo what is still pending (newest first), then apply upstream.
      rest = pending.slice(next)
      rollbackPending(engine, rest)
      for (const r of rest) if (r.client_id === clientId) ownPending.set(r.seq, r)
      engine.writer.undo = null
    }
    const own = ev.clientId === clientId ? ownPending.get(ev.seq) : undefined
    if (own) ownPending.delete(ev.seq)
    if (own && mine(own, ev)) log.confirm(own.id, gseq)
    else {
      if (own) collided.push(own)
      engine.maxId++
      log.append(
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
  }
  if (!rest) {
    if (next > 0) log.setPendingFloor(pending[next]?.id ?? engine.maxId + 1)
    return { head, failures: [], reordered: false, renumbered: undefined }
  }
  let renumbered: UpstreamResult['renumbered']
  if (collided.length > 0) {
    // The collided events and every pending one committed after them take the seqs after
    // the server's, in commit order, so the server applies them in the order they were
    // made (before the replay, whose failures then name the new seqs).
    const fromId = Math.min(...collided.map((r) => r.id))
    renumbered = log.renumberPendingFrom((row) => row.id >= fromId, Math.max(suspectTo, seqs.serverTop) + 1)
  }
  const failures = replayPending(engine, rest.length === 0 ? rest : log.pendingRows())
  return { head, failures, reordered: rest.length > 0, renumbered }
}
