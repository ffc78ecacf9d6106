/**
 * Web Storage engines (localStorage, sessionStorage). Other tabs' writes, removals and
 * `clear()` arrive as `storage` events; a page restored from the back/forward cache
 * re-reads everything (`pageshow` with `persisted`). Without a usable Storage (server,
 * privacy mode, sandboxed iframe) they fall back to memory instead of throwing.
 * Browser globals are touched only when an engine is created, never at import time.
 */
import { memoryEngine } from './memory.js'
import type { EngineChange, SyncEngine } from './types.js'

type StorageName = 'localStorage' | 'sessionStorage'

function storageOrNull(name: StorageName): Storage | null {
  try {
    const s = (globalThis as { [k: string]: unknown })[name] as Storage | undefined
    if (!s) return null
    // Safari private mode and some embedded views expose a Storage that throws on use.
    const probe = '__strata_probe__'
    s.setItem(probe, probe)
    s.removeItem(probe)
    return s
  } catch {
    return null
  }
}

/**
 * Wrap any object implementing the DOM `Storage` interface as a sync engine. Changes made
 * by other tabs are reported when running in a window.
 *
 * @param storage a `Storage` (localStorage, sessionStorage or a compatible object)
 * @param name name shown in errors
 * @returns a {@link SyncEngine}
 * @example
 * ```ts
 * const engine = webStorageEngine(window.localStorage, 'localStorage')
 * ```
 */
export function webStorageEngine(storage: Storage, name = 'webStorage'): SyncEngine {
  return {
    name,
    sync: true,
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) => storage.setItem(key, value),
    removeItem: (key) => storage.removeItem(key),
    keys(prefix) {
      const out: string[] = []
      for (let i = 0; i < storage.length; i++) {
        const k = storage.key(i)
        if (k?.startsWith(prefix)) out.push(k)
      }
      return out
    },
    watch(fn: (change: EngineChange) => void) {
      const w = (globalThis as { window?: Window }).window
      if (!w || typeof w.addEventListener !== 'function') return () => {}
      const onStorage = (e: StorageEvent) => {
        if (e.storageArea !== storage) return
        fn({ key: e.key })
      }
      const onPageShow = (e: PageTransitionEvent) => {
        if (e.persisted) fn({ key: null })
      }
      w.addEventListener('storage', onStorage)
      w.addEventListener('pageshow', onPageShow)
      return () => {
        w.removeEventListener('storage', onStorage)
        w.removeEventListener('pageshow', onPageShow)
      }
    },
  }
}

/**
 * The `localStorage` engine; falls back to a memory engine where localStorage is missing
 * or unusable (server rendering, privacy modes).
 *
 * @returns a {@link SyncEngine} named "localStorage" (or "memory" on fallback)
 * @example
 * ```ts
 * const theme = persistent<'light' | 'dark'>('light', 'app-theme', { engine: localStorageEngine() })
 * ```
 */
export function localStorageEngine(): SyncEngine {
  const s = storageOrNull('localStorage')
  return s ? webStorageEngine(s, 'localStorage') : memoryEngine({ name: 'memory (no localStorage)' })
}

/**
 * The `sessionStorage` engine (per tab, survives reloads); falls back to memory where
 * sessionStorage is missing or unusable.
 *
 * @returns a {@link SyncEngine} named "sessionStorage" (or "memory" on fallback)
 * @example
 * ```ts
 * const draft = persistent(null, 'form-draft', { engine: sessionStorageEngine() })
 * ```
 */
export function sessionStorageEngine(): SyncEngine {
  const s = storageOrNull('sessionStorage')
  return s ? webStorageEngine(s, 'sessionStorage') : memoryEngine({ name: 'memory (no sessionStorage)' })
}
