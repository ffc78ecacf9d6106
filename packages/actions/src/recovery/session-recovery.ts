/**
 * Session recovery (seed 000 "workflow session recovery"): debounced auto-save of chosen
 * stores to a storage you pass in, and an explicit `recover()` that validates the saved
 * data (Standard Schema) before restoring anything. Engine-agnostic: any object with
 * `getItem/setItem/removeItem` (localStorage, sessionStorage, an async IndexedDB or
 * SQLite wrapper) works. Saved data that fails validation is reported and left in place.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { batch, type ReadableStore, signal, type WritableStore } from '@strata/core'
import { RecoveryError } from '../errors.js'
import { validateWith } from '../schema.js'

/**
 * The storage contract: Web Storage's shape, sync or async.
 * @example
 * ```ts
 * const storage: SessionStorageLike = window.localStorage
 * ```
 */
export interface SessionStorageLike {
  getItem(key: string): string | null | Promise<string | null>
  setItem(key: string, value: string): void | Promise<void>
  removeItem(key: string): void | Promise<void>
}

/**
 * Options of {@link sessionRecovery}.
 * @example
 * ```ts
 * sessionRecovery({ key: 'draft', storage: sessionStorage, stores: { title, body }, schema, debounce: 500 })
 * ```
 */
export interface SessionRecoveryOptions<V extends Record<string, unknown>> {
  /** Storage key. */
  readonly key: string
  /** Where to save. */
  readonly storage: SessionStorageLike
  /** The stores to save and restore, by name. */
  readonly stores: { readonly [K in keyof V]: WritableStore<V[K]> }
  /** Validates the saved values before restoring. Strongly recommended. */
  readonly schema?: StandardSchemaV1<unknown, V>
  /** Auto-save this many ms after the last change. Default 300. */
  readonly debounce?: number
  /** Receives auto-save failures (also in `status`). Default `console.error`. */
  readonly onError?: (error: unknown) => void
}

/**
 * Auto-save status.
 * @example
 * ```ts
 * session.status.subscribe((s) => s.error && warn('auto-save failed', s.error))
 * ```
 */
export interface SessionStatus {
  /** `Date.now()` of the last successful save. */
  readonly lastSavedAt: number | undefined
  /** The last save error, cleared by a successful save. */
  readonly error: unknown
}

/**
 * Outcome of {@link SessionRecovery.recover}.
 * @example
 * ```ts
 * const r = await session.recover()
 * if (!r.ok) showError(r.error.message)
 * else if (r.recovered) toast(`Restored work from ${new Date(r.savedAt)}`)
 * ```
 */
export type RecoverResult =
  | { readonly ok: true; readonly recovered: false }
  | { readonly ok: true; readonly recovered: true; readonly savedAt: number }
  | { readonly ok: false; readonly error: RecoveryError }

/**
 * A session recovery controller.
 * @example
 * ```ts
 * await session.recover(); const stop = session.start(); window.onbeforeunload = () => void session.flush()
 * ```
 */
export interface SessionRecovery {
  /** Last save time and error. */
  readonly status: ReadableStore<SessionStatus>
  /** Start auto-saving on changes; returns a stop function (which does not flush). */
  start(): () => void
  /** Save now (cancels a pending debounced save). */
  flush(): Promise<void>
  /** Validate the saved data and, only if valid, restore every store in one batch. */
  recover(): Promise<RecoverResult>
  /** Whether something is saved, and when (without restoring). */
  check(): Promise<{ readonly available: boolean; readonly savedAt: number | undefined }>
  /** Remove the saved data. */
  clear(): Promise<void>
}

interface Saved {
  readonly savedAt: number
  readonly data: Record<string, unknown>
}

/**
 * Save chosen stores while the user works and restore them after a reload or crash.
 *
 * Why: seed 000 hand-writes auto-save, recovery metadata and a "validate before
 * restoring" step that in fact restores whatever parses; here restore is all-or-nothing
 * and only after the schema accepted the data.
 * @param options - key, storage, stores, schema, debounce
 * @returns the {@link SessionRecovery}
 * @example
 * ```ts
 * const session = sessionRecovery({ key: 'wf', storage: localStorage, stores: { step, answers }, schema })
 * const r = await session.recover() // at startup
 * const stop = session.start()      // auto-save from now on
 * ```
 */
export function sessionRecovery<V extends Record<string, unknown>>(
  options: SessionRecoveryOptions<V>,
): SessionRecovery {
  const { key, storage } = options
  const stores = options.stores as unknown as Record<string, WritableStore<unknown>>
  const status = signal<SessionStatus>({ lastSavedAt: undefined, error: undefined })
  let timer: ReturnType<typeof setTimeout> | undefined

  const save = async () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    const data: Record<string, unknown> = {}
    for (const [name, store] of Object.entries(stores)) data[name] = store.peek()
    const savedAt = Date.now()
    try {
      await storage.setItem(key, JSON.stringify({ savedAt, data } satisfies Saved))
      status.set({ lastSavedAt: savedAt, error: undefined })
    } catch (error) {
      status.set({ lastSavedAt: status.peek().lastSavedAt, error })
      throw error
    }
  }

  const read = async (): Promise<{ raw: null } | { raw: string; saved: Saved | RecoveryError }> => {
    const raw = await storage.getItem(key)
    if (raw === null) return { raw: null }
    try {
      const parsed = JSON.parse(raw) as Partial<Saved> | null
      if (typeof parsed?.savedAt !== 'number' || typeof parsed.data !== 'object' || parsed.data === null)
        return {
          raw,
          saved: new RecoveryError('RECOVERY_CORRUPT', key, 'not a saved session (missing savedAt/data)'),
        }
      return { raw, saved: parsed as Saved }
    } catch (error) {
      return { raw, saved: new RecoveryError('RECOVERY_CORRUPT', key, 'not valid JSON', [], error) }
    }
  }

  return {
    status,
    start() {
      const onChange = () => {
        if (timer !== undefined) clearTimeout(timer)
        timer = setTimeout(() => {
          save().catch((error: unknown) => (options.onError ?? console.error)(error))
        }, options.debounce ?? 300)
      }
      const stops = Object.values(stores).map((s) => s.listen(onChange))
      return () => {
        for (const stop of stops) stop()
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
      }
    },
    flush: save,
    async recover() {
      const r = await read()
      if (r.raw === null) return { ok: true, recovered: false }
      if (r.saved instanceof RecoveryError) return { ok: false, error: r.saved }
      let values: Record<string, unknown> = r.saved.data
      if (options.schema) {
        const checked = await validateWith(options.schema, values)
        if (!checked.ok)
          return {
            ok: false,
            error: new RecoveryError('RECOVERY_INVALID', key, 'saved data failed its schema', checked.issues),
          }
        values = checked.value as Record<string, unknown>
      }
      const missing = Object.keys(stores).filter((name) => !(name in values))
      if (missing.length)
        return {
          ok: false,
          error: new RecoveryError(
            'RECOVERY_INVALID',
            key,
            `saved data lacks store(s) ${missing.join(', ')}`,
          ),
        }
      batch(() => {
        for (const [name, store] of Object.entries(stores)) store.set(values[name])
      })
      return { ok: true, recovered: true, savedAt: r.saved.savedAt }
    },
    async check() {
      const r = await read()
      if (r.raw === null || r.saved instanceof RecoveryError) return { available: false, savedAt: undefined }
      return { available: true, savedAt: r.saved.savedAt }
    },
    async clear() {
      await storage.removeItem(key)
    },
  }
}
