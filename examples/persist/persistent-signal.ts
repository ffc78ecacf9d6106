/**
 * Seed 002 "Generic Persistent Signal": `persistentSignal(initial, { key, storage,
 * serialize, deserialize, debounce })` is exactly `persistent(initial, key, options)`.
 * Here on the Node file engine, so the values survive a process restart.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { persistent, type StorageEngine } from '@strata/persist'
import { fileEngine } from '@strata/persist/node'

/** The three signals of the seed's usage section. */
export function createPreferences(engine: StorageEngine) {
  const theme = persistent<'light' | 'dark'>('light', 'app-theme', { engine })
  const recentSearches = persistent<string[]>([], 'recent-searches', { engine, debounce: 500 })
  const userPreferences = persistent(
    { notifications: true, emailDigest: 'weekly', timezone: 'UTC' },
    'user-preferences',
    { engine, debounce: 1000 },
  )
  return { theme, recentSearches, userPreferences }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'strata-example-signal-'))
  try {
    const run1 = createPreferences(fileEngine({ directory }))
    run1.theme.set('dark')
    run1.recentSearches.update((s) => ['strata', ...s])
    run1.recentSearches.update((s) => ['signals', ...s])
    await run1.recentSearches.flush()
    // A new process (here: new stores on the same directory) starts with the saved values.
    const run2 = createPreferences(fileEngine({ directory }))
    log('theme:', run2.theme.get(), 'recent:', run2.recentSearches.get())
    log('hydrated before first read:', run2.theme.hydration.get())
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
