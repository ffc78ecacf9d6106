/**
 * Boot: decide whether the persisted state can be used as is (the normal, fast path —
 * no log replay), needs the log tail replayed (a crash between the log and state
 * files), or must be rebuilt from the log (schema change, corrupt or missing state,
 * interrupted rebuild, log reordered since).
 */
import type { DriverRecovery } from '../adapters/adapter.js'
import { StoreClosedError } from '../errors.js'
import type { Engine } from './engine.js'
import { exactStringify } from './exact-json.js'
import type { RebuildFailure } from './rebuild.js'
import { rebuildState } from './rebuild.js'

/**
 * Why state was rebuilt.
 * @example
 * if (store.boot.reason === 'state-corrupt') report(store.boot.recovery)
 */
export type RebuildReason =
  | 'schema-changed'
  | 'state-missing'
  | 'state-corrupt'
  | 'interrupted-rebuild'
  | 'log-mismatch'
  | 'requested'

/**
 * What happened at boot; `store.boot`.
 * @example
 * if (store.boot.mode === 'rebuilt') console.info('rebuilt because', store.boot.reason)
 */
export interface BootReport {
  /** created: empty store; opened: state reused; replayed-tail: crash recovery; rebuilt: from the log. */
  readonly mode: 'created' | 'opened' | 'replayed-tail' | 'rebuilt'
  readonly reason?: RebuildReason
  /** Events applied during boot (0 on the normal path). */
  readonly eventsApplied: number
  /**
   * Events in the log, counted when first read (then kept): counting reads every page of
   * the log, which a boot should not pay for (~60 ms cold at 100k events). Read it
   * while the store is open: a first read after `close()` throws StoreClosedError (a
   * value read before stays readable).
   */
  readonly logSize: number
  /** Boot duration (ms). */
  readonly ms: number
  /** Set when a damaged state file was moved aside. */
  readonly recovery?: DriverRecovery
  /** Events whose materializer failed during a rebuild (kept in the log). */
  readonly failures: readonly RebuildFailure[]
}

/** Open or repair materialized state. @internal */
export function bootEngine(
  engine: Engine,
  opts: { storeId: string; rebuild: boolean; now: () => number },
): BootReport {
  const t0 = opts.now()
  const { log } = engine
  const logEpoch = Number(log.meta('epoch') ?? 0)
  engine.maxId = log.maxId()
  const hash = engine.stateMeta('hash')
  const applied = Number(engine.stateMeta('applied') ?? 0)
  const stateEpoch = Number(engine.stateMeta('epoch') ?? 0)
  const rebuilding = Number(engine.stateMeta('rebuilding') ?? 0) === 1
  const recovery = engine.driver.recovery
  const base = { failures: [] as RebuildFailure[], ...(recovery ? { recovery } : {}) }
  let logSize: number | undefined
  const report = (r: Omit<BootReport, 'logSize'>): BootReport =>
    Object.defineProperty(r, 'logSize', {
      enumerable: true,
      get: () => {
        if (logSize === undefined && engine.closed) throw new StoreClosedError(opts.storeId)
        return (logSize ??= log.count())
      },
    }) as BootReport

  let reason: RebuildReason | undefined
  if (opts.rebuild) reason = 'requested'
  else if (recovery) reason = 'state-corrupt'
  else if (rebuilding) reason = 'interrupted-rebuild'
  else if (hash === undefined) reason = engine.maxId === 0 ? undefined : 'state-missing'
  else if (hash !== engine.schema.hash) reason = 'schema-changed'
  else if (stateEpoch !== logEpoch || applied > engine.maxId) reason = 'log-mismatch'

  if (hash === undefined && reason === undefined) {
    engine.tx(() => {
      for (const ddl of engine.schema.ddl) engine.driver.exec(ddl)
      engine.setStateMeta('hash', engine.schema.hash)
      engine.setStateMeta('epoch', logEpoch)
      engine.setStateMeta('rebuilding', 0)
      engine.setApplied(engine.maxId)
    })
    return report({ ...base, mode: 'created', eventsApplied: 0, ms: opts.now() - t0 })
  }
  if (reason !== undefined) {
    const r = rebuildState(engine, logEpoch)
    return report({
      ...base,
      mode: 'rebuilt',
      reason,
      eventsApplied: r.events,
      failures: r.failures,
      ms: opts.now() - t0,
    })
  }
  if (applied < engine.maxId) {
    // The log committed events that never reached state (crash between the two files):
    // they are the newest local events, so apply them in order.
    const tail = log.tailAfter(applied)
    const failures: RebuildFailure[] = []
    engine.tx(() => {
      for (const row of tail) {
        engine.writer.undo = row.synced === 1 && row.gseq === null ? [] : null
        try {
          engine.begin()
          engine.materialize(row.name, JSON.parse(row.args))
          engine.commit()
        } catch (e) {
          engine.rollback()
          failures.push({ id: row.id, name: row.name, error: e instanceof Error ? e.message : String(e) })
        }
        if (engine.writer.undo) log.setUndo(row.id, exactStringify(engine.writer.undo))
      }
      engine.writer.undo = null
      engine.setApplied(engine.maxId)
    })
    engine.writer.touched = new Map()
    return report({
      ...base,
      mode: 'replayed-tail',
      eventsApplied: tail.length,
      failures,
      ms: opts.now() - t0,
    })
  }
  return report({ ...base, mode: 'opened', eventsApplied: 0, ms: opts.now() - t0 })
}
