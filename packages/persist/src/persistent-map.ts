/**
 * `persistentMap(initialOrMapStore, prefix, options)`: a map store kept as one storage
 * entry per key (`<prefix><key>`), like @nanostores/persistent's persistentMap. Changing
 * one key rewrites one small entry instead of the whole object, and another tab's change
 * to one key touches only that key here.
 *
 * Same guarantees as `persistent` (see its glossary), per entry: a late read never
 * overwrites an entry changed locally meanwhile; writes are held while hydrating; damaged
 * entries are quarantined one by one; an entry from a newer version blocks writes to
 * that entry only. `entrySchema` validates each entry; `migrate` upgrades each entry.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { isStore, type MapStore, map, signal } from '@strata/core'
import { localStorageEngine } from './engines/web-storage.js'
import { seal } from './envelope.js'
import { PersistError, QuarantineError, ReadError, WriteError } from './errors.js'
import { onLastChance } from './lifecycle.js'
import { type LoadSpec, load, type Verdict } from './load.js'
import { andThen, attempt, isPromiseLike, type MaybePromise } from './maybe-promise.js'
import type { CommonOptions, HydrationStatus, PersistControls } from './options.js'
import { checkCommon } from './persistent.js'
import { quarantine } from './quarantine.js'
import { createReporter } from './reporter.js'

/**
 * Options of {@link persistentMap}.
 * @example
 * ```ts
 * const options: PersistMapOptions<Record<string, number>> = { entrySchema: z.number() }
 * ```
 */
export interface PersistMapOptions<T extends Record<string, unknown>> extends CommonOptions {
  /** Standard Schema every stored entry must pass. */
  entrySchema?: StandardSchemaV1<unknown, T[keyof T]>
}

/**
 * A map store with persistence controls. `setKey(key, undefined)` deletes the entry (and
 * its storage entry) for any key, as in a dictionary of panels or cart lines.
 * @example
 * ```ts
 * const panels: PersistentMap<Record<string, Panel>> = persistentMap({}, 'panels:')
 * ```
 */
export type PersistentMap<T extends Record<string, unknown>> = Omit<MapStore<T>, 'setKey'> & {
  setKey<K extends keyof T>(key: K, value: T[K] | undefined): void
} & PersistControls

/**
 * Persist a map store one entry per key.
 *
 * @param initialOrStore initial object, or an existing map store
 * @param prefix storage key prefix, e.g. `"panels:"`
 * @param options engine, entrySchema, version/migrate (per entry), codec, debounce, crossTab
 * @returns the map store with {@link PersistControls}
 * @example
 * ```ts
 * const panels = persistentMap<Record<string, Panel>>({}, 'panels:')
 * panels.setKey('chat', { x: 10, y: 20, open: true }) // writes only "panels:chat"
 * panels.setKey('chat', undefined) // removes "panels:chat"
 * ```
 */
export function persistentMap<T extends Record<string, unknown>>(
  initialOrStore: T | MapStore<T>,
  prefix: string,
  options: PersistMapOptions<T> = {},
): PersistentMap<T> {
  checkCommon(prefix, options)
  const store: MapStore<T> = isStore(initialOrStore)
    ? (initialOrStore as MapStore<T>)
    : map(initialOrStore as T)
  const initial = store.peek()
  const engine = options.engine ?? localStorageEngine()
  const version = options.version ?? 0
  const debounce = options.debounce ?? 0
  const reporter = createReporter(options.onError)
  const status = signal<HydrationStatus>('idle')
  const specFor = (entry: string): LoadSpec<unknown> => ({
    key: prefix + entry,
    version,
    migrate: options.migrate,
    decode: options.decode,
    schema: options.entrySchema,
    merge: (stored) => stored,
  })

  const lastRaw = new Map<string, string | null>()
  const tracked = options.crossTab !== false && !!engine.watch
  const blocked = new Set<string>()
  // The entries could not be listed (E_READ): any of them may hold unread data, so every
  // write is held until a full read lists them again.
  let unlisted = false
  const dirty = new Set<string>()
  const touched = new Map<string, number>()
  let seq = 0
  let readGen = 0
  let hydrating = false
  let applying = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let offLastChance: (() => void) | null = null
  let writing: Promise<void> | null = null
  // The error of each entry's last write attempt that did not store it: flush() rejects with one.
  const failed = new Map<string, WriteError>()
  let current: Promise<void> = Promise.resolve()
  let disposed = false
  // Bumped by clear(): a write that fails after it began leaves nothing to retry.
  let clears = 0

  const lastChance = (final: boolean) => void write(final)
  // `last`: this is the final write (process exit), which must not register itself
  // again (Node's beforeExit would run an async retry for ever). A write at page hide is
  // not final: when it fails, the next hide retries it.
  const write = (last?: boolean): MaybePromise<void> => {
    clearTimeout(timer)
    timer = undefined
    offLastChance?.()
    offLastChance = null
    // Not stopped by dispose(): changes made before it still reach storage.
    if (dirty.size === 0 || hydrating || unlisted) return
    if (writing) return writing.then(() => write(last))
    const value = store.peek() as Record<string, unknown>
    const epoch = clears
    const jobs: MaybePromise<void>[] = []
    const failWrite = (entry: string, e: unknown) => {
      dirty.add(entry)
      const error = new WriteError(prefix + entry, e)
      failed.set(entry, error)
      reporter.report(error)
    }
    for (const entry of [...dirty]) {
      if (blocked.has(entry)) continue
      dirty.delete(entry)
      failed.delete(entry)
      const k = prefix + entry
      const v = value[entry]
      let raw: string | null
      try {
        raw = v === undefined ? null : seal(version, v, options.encode)
      } catch (e) {
        failWrite(entry, e)
        continue
      }
      // Skip a rewrite of the same text only when other writers would have been noticed.
      if (tracked && raw === lastRaw.get(entry)) continue
      jobs.push(
        attempt(
          () =>
            andThen(
              (raw === null ? engine.removeItem(k) : engine.setItem(k, raw)) as MaybePromise<void>,
              () => {
                lastRaw.set(entry, raw)
              },
            ),
          (e) => {
            // cleared since: nothing of this value is to be kept (the failure is still reported)
            if (epoch !== clears) return void reporter.report(new WriteError(prefix + entry, e))
            // The in-memory value stays; the next change, flush() or the last chance retries.
            failWrite(entry, e)
            if (!last) offLastChance ??= onLastChance(lastChance)
          },
        ),
      )
    }
    const pending = jobs.filter(isPromiseLike)
    if (pending.length === 0) return
    const p: Promise<void> = Promise.all(pending).then(
      () => {
        if (writing === p) writing = null
      },
      () => {
        if (writing === p) writing = null
      },
    )
    writing = p
    return p
  }

  // After dispose() only changes made before it are left: write them without delay.
  const schedule = () => {
    if (hydrating) return
    if (debounce > 0 && !disposed) {
      clearTimeout(timer)
      timer = setTimeout(() => void write(), debounce)
      ;(timer as { unref?: () => void }).unref?.()
      offLastChance ??= onLastChance(lastChance)
    } else void write()
  }

  const fail = (error: PersistError, blockEntry: string | null): HydrationStatus => {
    if (blockEntry !== null) blocked.add(blockEntry)
    reporter.report(error)
    return 'error'
  }

  /** Decide what a read of one entry means for the store. */
  const onEntry = (
    entry: string,
    raw: string | null,
    gen: number,
    since: number,
    external: boolean,
    loaded: Map<string, unknown>,
  ) => {
    // As in persistent(): an entry changed locally meanwhile is still checked (version,
    // damage) but its loaded value is not applied.
    const overtaken = () => (touched.get(entry) ?? -1) >= since
    if (gen !== readGen) return 'ready' as HydrationStatus
    if (raw === lastRaw.get(entry)) return blocked.has(entry) ? 'error' : 'ready'
    if (raw === null) {
      // Nothing left to protect (a newer-version or unreadable entry was removed).
      blocked.delete(entry)
      lastRaw.set(entry, null)
      if (external && !overtaken()) {
        dirty.delete(entry)
        loaded.set(entry, (initial as Record<string, unknown>)[entry])
      }
      return 'ready'
    }
    return andThen(load(specFor(entry), raw), (verdict: Verdict<unknown>): MaybePromise<HydrationStatus> => {
      if (gen !== readGen) return 'ready'
      lastRaw.set(entry, raw)
      if (verdict.ok) {
        blocked.delete(entry)
        if (!overtaken()) {
          dirty.delete(entry)
          loaded.set(entry, verdict.value)
          if (verdict.migrated) dirty.add(entry)
        }
        return 'ready'
      }
      if (!verdict.quarantine) return fail(verdict.error, entry)
      return attempt(
        () =>
          andThen(quarantine(engine, prefix + entry, raw), (qk): HydrationStatus => {
            verdict.error.quarantineKey = qk
            blocked.delete(entry)
            return fail(verdict.error, null)
          }),
        (e) => {
          fail(verdict.error, entry)
          return fail(new QuarantineError(prefix + entry, e), entry)
        },
      )
    })
  }

  const readEntry = (
    entry: string,
    gen: number,
    since: number,
    external: boolean,
    loaded: Map<string, unknown>,
  ) =>
    attempt(
      () =>
        andThen(engine.getItem(prefix + entry) as MaybePromise<string | null>, (raw) =>
          onEntry(entry, raw, gen, since, external, loaded),
        ),
      (e) => {
        // What is stored is unknown now: the next read of it is news, whatever its text.
        lastRaw.delete(entry)
        return fail(toReadError(prefix + entry, e), entry)
      },
    )

  // As in persistent(): edits to an entry made while its writes were held win over what the
  // next read of it finds (checked, not applied): mark them touched for that read.
  const hold = () => {
    for (const e of unlisted ? dirty : blocked) if (dirty.has(e)) touched.set(e, seq + 1)
  }

  const hydrate = (external: boolean, only: string | null): MaybePromise<void> => {
    hold()
    // A one-entry reload (another tab changed one key) must not cancel a full hydration
    // in flight, so only full hydrations take a new generation and hold writes.
    const full = only === null
    const gen = full ? ++readGen : readGen
    const since = ++seq
    if (full) hydrating = true
    if (!external) status.set('hydrating')
    // Loaded entries are applied in one write at the end: one new object, one
    // notification, instead of one copy of the whole map per entry (O(n) not O(n²)).
    const loaded = new Map<string, unknown>()
    const finish = (results: HydrationStatus[]) => {
      if (gen !== readGen) return
      if (loaded.size > 0) {
        const next = { ...(store.peek() as Record<string, unknown>) }
        for (const [e, v] of loaded) {
          if ((touched.get(e) ?? -1) >= since) continue
          if (v === undefined) delete next[e]
          else next[e] = v
        }
        applying++
        try {
          store.set(next as T)
        } finally {
          applying--
        }
      }
      if (full) {
        hydrating = false
        status.set(results.includes('error') ? 'error' : 'ready')
      } else if (results.includes('error')) status.set('error')
      // A one-entry reload that succeeded ends an error once no entry holds its writes
      // (not during a full hydration, which sets the status when it ends).
      else if (status.peek() === 'error' && !blocked.size && !unlisted && !hydrating) status.set('ready')
      // a debounce timer already running keeps its time: reloads (another tab writing other
      // entries, maybe steadily) must not keep pushing this tab's writes back
      if (dirty.size > 0 && timer === undefined) schedule()
    }
    const bulk = full && !engine.sync && engine.entries ? engine.entries.bind(engine) : null
    const run = attempt(
      () =>
        bulk
          ? bulk(prefix).then((pairs) => {
              if (gen === readGen) unlisted = false
              const results: MaybePromise<HydrationStatus>[] = []
              const present = new Set<string>()
              for (const [k, raw] of pairs) {
                const e = k.slice(prefix.length)
                if (e.includes('.quarantine.')) continue
                present.add(e)
                results.push(onEntry(e, raw, gen, since, external, loaded))
              }
              if (external) {
                for (const e of Object.keys(store.peek())) {
                  if (!present.has(e)) results.push(onEntry(e, null, gen, since, external, loaded))
                }
              }
              return Promise.all(results)
            })
          : andThen(
              only !== null ? [prefix + only] : (engine.keys(prefix) as MaybePromise<string[]>),
              (keys): MaybePromise<HydrationStatus[]> => {
                if (full && gen === readGen) unlisted = false
                const entries = keys
                  .map((k) => k.slice(prefix.length))
                  .filter((e) => !e.includes('.quarantine.'))
                if (external && only === null) {
                  // Keys gone from storage (a clear() elsewhere) return to their initial value.
                  const present = new Set(entries)
                  for (const e of Object.keys(store.peek())) if (!present.has(e)) entries.push(e)
                }
                const results = entries.map((e) => readEntry(e, gen, since, external, loaded))
                return results.some(isPromiseLike) ? Promise.all(results) : (results as HydrationStatus[])
              },
            ),
      (e): HydrationStatus[] => {
        if (gen === readGen) unlisted = true
        return [fail(toReadError(prefix, e), null)]
      },
    )
    return andThen(run, finish)
  }

  const originalSetKey = store.setKey.bind(store)
  let inSetKey = false
  store.setKey = ((entry: keyof T & string, value: T[keyof T & string] | undefined) => {
    if (applying > 0) return originalSetKey(entry, value as T[keyof T & string])
    inSetKey = true
    try {
      touched.set(entry, ++seq)
      dirty.add(entry)
      originalSetKey(entry, value as T[keyof T & string])
    } finally {
      inSetKey = false
    }
    schedule()
  }) as MapStore<T>['setKey']

  const offListen = store.listen((value, old) => {
    if (applying > 0 || inSetKey) return
    // A whole-object set(): find the entries that changed.
    const now = value as Record<string, unknown>
    const before = old as Record<string, unknown>
    const s = ++seq
    for (const e of new Set([...Object.keys(now), ...Object.keys(before)])) {
      if (now[e] !== before[e]) {
        touched.set(e, s)
        dirty.add(e)
      }
    }
    schedule()
  })

  const offWatch = tracked
    ? engine.watch!(({ key }) => {
        if (disposed) return
        if (key === null) current = Promise.resolve(hydrate(true, null))
        else if (key.startsWith(prefix) && !key.includes('.quarantine.')) {
          current = Promise.resolve(hydrate(true, key.slice(prefix.length)))
        }
      })
    : () => {}

  current = Promise.resolve(hydrate(false, null))

  const controls: PersistControls = {
    storageKey: prefix,
    engine,
    hydration: status,
    ready: current,
    errors: reporter.errors,
    onError: reporter.onError,
    async flush() {
      await current
      failed.clear()
      await write()
      if (writing) await writing
      // Retried and still not stored: say so (the values stay in memory; every error is
      // in `errors`, the first is thrown).
      for (const error of failed.values()) throw error
    },
    async rehydrate() {
      hold()
      blocked.clear()
      lastRaw.clear()
      current = Promise.resolve(hydrate(false, null))
      await current
    },
    async clear() {
      readGen++
      clears++
      hydrating = false
      clearTimeout(timer)
      timer = undefined
      dirty.clear()
      blocked.clear()
      const since = ++seq
      // As in persistent(): the removal queues behind a write in flight and later writes
      // queue behind it; entries changed meanwhile keep their new value.
      const p: Promise<void> = (async () => {
        try {
          await writing
          const keys = await engine.keys(prefix)
          await Promise.all(keys.filter((k) => !k.includes('.quarantine.')).map((k) => engine.removeItem(k)))
          for (const k of keys) lastRaw.set(k.slice(prefix.length), null)
          unlisted = false
        } catch (e) {
          reporter.report(new WriteError(prefix, e))
        }
      })().then(() => {
        if (writing === p) writing = null
      })
      writing = p
      await p
      const now = store.peek() as Record<string, unknown>
      let next = initial as Record<string, unknown>
      for (const [e, s] of touched) {
        if (s <= since) continue
        next = { ...next }
        if (now[e] === undefined) delete next[e]
        else next[e] = now[e]
      }
      applying++
      try {
        store.set(next as T)
      } finally {
        applying--
      }
      status.set('ready')
    },
    dispose() {
      if (disposed) return
      void write()
      disposed = true
      offListen()
      offWatch()
      store.setKey = originalSetKey
      status.set('idle')
    },
  }
  return Object.assign(store, controls)
}

function toReadError(key: string, e: unknown): PersistError {
  return e instanceof PersistError ? e : new ReadError(key, e)
}
