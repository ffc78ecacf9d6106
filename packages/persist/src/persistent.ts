/**
 * `persistent(initialOrStore, key, options)`: a core store whose value lives in one
 * storage entry.
 *
 * Glossary:
 * - hydrate: read the stored value into the store. Sync engines do it before
 *   `persistent()` returns (no flash of the initial value); async engines report
 *   `hydrating` until it lands.
 * - localSeq: counts changes made in this tab. A read that started before a local change
 *   is dropped when it lands — a late hydration never overwrites a newer user write
 *   (the race zustand#458 describes). Writes are held while hydrating, so a value this
 *   code cannot read (newer version, wrong key) is never overwritten blindly.
 * - lastRaw: the text this tab last read or wrote; a change event carrying it is our own
 *   echo and is ignored. A write of the same text is skipped only when the engine reports
 *   changes made elsewhere (`tracked`): without that, lastRaw may be stale.
 * - blocked: set when the stored value must be kept untouched (newer version, read
 *   failure, quarantine failure); writes stay in memory until a read finds the key
 *   readable or gone (`rehydrate()`, another tab's change) or `clear()`. Edits held so
 *   win over what that read finds: it is checked, not applied, and the edits are written.
 */
import { isStore, type Signal, signal, type WritableStore } from '@strata/core'
import { localStorageEngine } from './engines/web-storage.js'
import { seal } from './envelope.js'
import { ConfigError, PersistError, QuarantineError, ReadError, WriteError } from './errors.js'
import { onLastChance } from './lifecycle.js'
import { type LoadSpec, load } from './load.js'
import { andThen, attempt, isPromiseLike, type MaybePromise } from './maybe-promise.js'
import type { HydrationStatus, PersistControls, PersistOptions } from './options.js'
import { quarantine } from './quarantine.js'
import { createReporter } from './reporter.js'

/**
 * A store `S` with persistence controls.
 * @example
 * ```ts
 * const count: Persistent<Signal<number>> = persistent(0, 'count')
 * ```
 */
export type Persistent<S> = S & PersistControls

/**
 * The value type of a writable store.
 * @example
 * ```ts
 * type N = StoreValue<Signal<number>> // number
 * ```
 */
export type StoreValue<S> = S extends WritableStore<infer T> ? T : never

const NONE: unique symbol = Symbol('none')

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false
  const proto = Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

/** Default merge when `partialize` is set: stored fields over current ones. */
function shallowMerge<T>(stored: unknown, current: T): T {
  return isPlainObject(stored) && isPlainObject(current) ? ({ ...current, ...stored } as T) : (stored as T)
}

/**
 * @internal Validate options that would otherwise fail later and quietly.
 * @example
 * ```ts
 * checkCommon('settings', { version: 1, debounce: 300 }) // throws ConfigError on bad input
 * ```
 */
export function checkCommon(key: string, options: { version?: number; debounce?: number }): void {
  if (typeof key !== 'string' || key.length === 0)
    throw new ConfigError(String(key), 'key must be a non-empty string')
  const { version, debounce } = options
  if (version !== undefined && (!Number.isInteger(version) || version < 0)) {
    throw new ConfigError(key, `version must be a non-negative integer, got ${version}`)
  }
  if (debounce !== undefined && !(debounce >= 0))
    throw new ConfigError(key, `debounce must be >= 0, got ${debounce}`)
}

/**
 * Make a store persistent: its value is loaded from `key` and saved on every change.
 *
 * Pass an initial value to get a new signal, or an existing writable store (a signal or
 * a map store, persisted as one entry) to persist it in place.
 *
 * @param initialOrStore the initial value, or a store to persist
 * @param key the storage key
 * @param options engine, schema, version/migrate, codec, partialize, debounce, crossTab
 * @returns the store with {@link PersistControls} (`hydration`, `ready`, `errors`, `flush`, …)
 * @example
 * ```ts
 * const settings = persistent({ theme: 'light', fontSize: 16 }, 'settings', {
 *   schema: z.object({ theme: z.enum(['light', 'dark']), fontSize: z.number() }),
 *   version: 1,
 *   debounce: 300,
 * })
 * settings.set({ ...settings.get(), theme: 'dark' })
 * ```
 */
export function persistent<S extends WritableStore<unknown>>(
  store: S,
  key: string,
  options?: PersistOptions<StoreValue<S>>,
): Persistent<S>
export function persistent<T>(initial: T, key: string, options?: PersistOptions<T>): Persistent<Signal<T>>
export function persistent<T>(
  initialOrStore: T | WritableStore<T>,
  key: string,
  options: PersistOptions<T> = {},
): Persistent<WritableStore<T>> {
  checkCommon(key, options)
  const store: WritableStore<T> = isStore(initialOrStore)
    ? (initialOrStore as WritableStore<T>)
    : signal(initialOrStore as T)
  const initial = store.peek()
  const engine = options.engine ?? localStorageEngine()
  const version = options.version ?? 0
  const debounce = options.debounce ?? 0
  const { partialize, encode } = options
  const merge = options.merge ?? (partialize ? shallowMerge : (stored: unknown) => stored as T)
  const reporter = createReporter(options.onError)
  const status = signal<HydrationStatus>('idle')
  const spec: LoadSpec<T> = {
    key,
    version,
    migrate: options.migrate,
    decode: options.decode,
    schema: options.schema,
    merge: (stored) => merge(stored, store.peek()),
  }

  let lastRaw: string | null | undefined
  const tracked = options.crossTab !== false && !!engine.watch
  let blocked: PersistError | null = null
  let dirty = false
  let localSeq = 0
  let readGen = 0
  let hydrating = false
  let applying = false
  let marker: T | typeof NONE = NONE
  let timer: ReturnType<typeof setTimeout> | undefined
  let offLastChance: (() => void) | null = null
  let writing: Promise<void> | null = null
  // The error of the last write attempt (null when it stored the value): flush() rejects with it.
  let failed: WriteError | null = null
  let current: Promise<void> = Promise.resolve()
  let disposed = false
  // Bumped by clear(): a write started before it that fails later must not mark the
  // cleared store as holding an unsaved value (its retry would write it back).
  let clears = 0

  // `marker` recognises the echo of a hydration when the store notifies later (inside a
  // batch). If set() did not change the store, no echo will come: forget the marker now,
  // or the user's next set() of that value would be taken for the echo and not written.
  const apply = (value: T) => {
    const before = store.peek()
    applying = true
    marker = value
    try {
      store.set(value)
    } finally {
      applying = false
      if (store.peek() === before) marker = NONE
    }
  }

  const cancelPending = () => {
    clearTimeout(timer)
    timer = undefined
    offLastChance?.()
    offLastChance = null
    dirty = false
  }

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
    if (!dirty || blocked || hydrating) return
    if (writing) return writing.then(() => write(last))
    dirty = false
    failed = null
    let raw: string
    try {
      const value = store.peek()
      raw = seal(version, partialize ? partialize(value) : value, encode)
    } catch (e) {
      dirty = true
      reporter.report((failed = new WriteError(key, e)))
      return
    }
    if (tracked && raw === lastRaw) return
    const epoch = clears
    const r = attempt(
      () =>
        andThen(engine.setItem(key, raw) as MaybePromise<void>, () => {
          lastRaw = raw
        }),
      (e) => {
        const error = new WriteError(key, e)
        reporter.report(error)
        if (epoch !== clears) return // cleared since: nothing of this value is to be kept
        // The in-memory value stays; the next change, flush() or the last chance retries.
        dirty = true
        failed = error
        if (!last) offLastChance ??= onLastChance(lastChance)
      },
    )
    if (isPromiseLike(r)) {
      const p: Promise<void> = r.finally(() => {
        if (writing === p) writing = null
      })
      writing = p
      return p
    }
  }

  // After dispose() only changes made before it are left: write them without delay.
  const schedule = () => {
    if (hydrating || blocked) return
    if (debounce > 0 && !disposed) {
      clearTimeout(timer)
      timer = setTimeout(() => void write(), debounce)
      ;(timer as { unref?: () => void }).unref?.()
      offLastChance ??= onLastChance(lastChance)
    } else void write()
  }

  const fail = (error: PersistError, block: boolean): HydrationStatus => {
    blocked = block ? error : null
    reporter.report(error)
    return 'error'
  }

  // A read that a local write overtook is still inspected: a newer version must block the
  // pending write and damaged text must be quarantined before it is overwritten. Only
  // applying the loaded value is skipped — the local write is newer.
  const onRaw = (
    raw: string | null,
    gen: number,
    seq: number,
    external: boolean,
  ): MaybePromise<HydrationStatus> => {
    if (gen !== readGen) return 'ready'
    if (raw === lastRaw) return status.peek() === 'error' ? 'error' : 'ready'
    if (raw === null) {
      // Nothing left to protect (a newer-version or unreadable value was removed).
      blocked = null
      lastRaw = null
      if (external && localSeq === seq) {
        cancelPending()
        apply(initial)
      }
      return 'ready'
    }
    return andThen(load(spec, raw), (verdict) => {
      if (gen !== readGen) return 'ready'
      lastRaw = raw
      if (verdict.ok) {
        blocked = null
        if (localSeq === seq) {
          cancelPending()
          apply(verdict.value)
          if (verdict.migrated) dirty = true
        }
        return 'ready'
      }
      if (!verdict.quarantine) return fail(verdict.error, true)
      return attempt(
        () =>
          andThen(quarantine(engine, key, raw), (qk): HydrationStatus => {
            verdict.error.quarantineKey = qk
            return fail(verdict.error, false)
          }),
        (e) => {
          fail(verdict.error, true)
          return fail(new QuarantineError(key, e), true)
        },
      )
    })
  }

  // Edits made while writes were held (`blocked`) win over the value this read finds: like
  // a read overtaken by a local change it is checked but not applied (seq -1 never matches).
  const hydrate = (external: boolean, held = dirty && !!blocked): MaybePromise<void> => {
    const gen = ++readGen
    const seq = held ? -1 : localSeq
    hydrating = true
    if (!external) status.set('hydrating')
    const finish = (next: HydrationStatus) => {
      if (gen !== readGen) return
      hydrating = false
      status.set(next)
      if (dirty) schedule()
    }
    const r = attempt(
      () =>
        andThen(engine.getItem(key) as MaybePromise<string | null>, (raw) => onRaw(raw, gen, seq, external)),
      (e) => {
        lastRaw = undefined
        return fail(e instanceof PersistError ? e : new ReadError(key, e), true)
      },
    )
    return andThen(r, finish)
  }

  const offListen = store.listen((value) => {
    // Any notification after apply() settles it: the echo, or a later value it merged into.
    const echo = applying || value === marker
    marker = NONE
    if (echo) return
    localSeq++
    dirty = true
    schedule()
  })

  const offWatch = tracked
    ? engine.watch!(({ key: changed }) => {
        if (disposed || (changed !== null && changed !== key)) return
        current = Promise.resolve(hydrate(true))
      })
    : () => {}

  current = Promise.resolve(hydrate(false))
  const ready = current

  const controls: PersistControls = {
    storageKey: key,
    engine,
    hydration: status,
    ready,
    errors: reporter.errors,
    onError: reporter.onError,
    async flush() {
      await current
      failed = null
      await write()
      if (writing) await writing
      // Retried and still not stored: say so (the value stays in memory).
      if (failed) throw failed
    },
    async rehydrate() {
      lastRaw = undefined
      current = Promise.resolve(hydrate(false))
      await current
    },
    async clear() {
      cancelPending()
      clears++
      failed = null
      blocked = null
      readGen++
      hydrating = false
      const seq = localSeq
      // The removal queues behind a write in flight, and writes of changes made meanwhile
      // queue behind it, so storage ends with the last change. Such a change is kept:
      // only an untouched store returns to its initial value.
      const p: Promise<void> = (async () => {
        try {
          await writing
          await engine.removeItem(key)
          lastRaw = null
        } catch (e) {
          reporter.report(new WriteError(key, e))
        }
      })().then(() => {
        if (writing === p) writing = null
      })
      writing = p
      await p
      if (localSeq === seq) apply(initial)
      status.set('ready')
    },
    dispose() {
      if (disposed) return
      void write()
      disposed = true
      offListen()
      offWatch()
      status.set('idle')
    },
  }
  return Object.assign(store, controls)
}
