/**
 * Seed 002 "LocalStorage Persistence": a settings store with defaults, debounced saves
 * and reset. With Strata the hand-written load/try/catch/setTimeout disappears: the
 * schema guards what is loaded, a newer field gets its default through `partialize`'s
 * merge, version 1 migrates the old `{ dark: boolean }` shape, and a corrupt entry is
 * quarantined instead of silently dropped.
 */
import { persistent, type StorageEngine } from '@strata/persist'
import { z } from 'zod'

export const settingsSchema = z.object({
  theme: z.enum(['light', 'dark']),
  language: z.string(),
  notifications: z.boolean(),
  fontSize: z.number().min(8).max(72),
})
export type Settings = z.infer<typeof settingsSchema>

export const defaultSettings: Settings = { theme: 'light', language: 'en', notifications: true, fontSize: 16 }

/** The settings store of the seed, on any engine (localStorage in a browser). */
export function createSettingsStore(engine?: StorageEngine) {
  const settings = persistent(defaultSettings, 'settings', {
    ...(engine ? { engine } : {}),
    schema: settingsSchema,
    version: 1,
    // Version 0 stored `{ dark: boolean }`; every other field falls back to its default.
    migrate: { 1: (old) => ({ theme: (old as { dark?: boolean }).dark ? 'dark' : 'light' }) },
    partialize: (s) => s,
    debounce: 300,
  })
  return {
    settings,
    updateSettings: (updates: Partial<Settings>) => settings.set({ ...settings.get(), ...updates }),
    reset: () => settings.clear(),
  }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const { MemoryArea, memoryEngine } = await import('@strata/persist')
  const area = new MemoryArea()
  // An old app version left a v0 value behind.
  area.data.set('settings', '{"v":0,"d":{"dark":true}}')
  const first = createSettingsStore(memoryEngine({ area }))
  log('migrated from v0:', first.settings.get())
  first.updateSettings({ fontSize: 18 })
  await first.settings.flush()
  const reloaded = createSettingsStore(memoryEngine({ area }))
  log('after reload:', reloaded.settings.get())
  area.data.set('settings', '{"v":1,"d":{"theme":"neon"}}')
  const guarded = createSettingsStore(memoryEngine({ area }))
  const error = guarded.settings.errors.get()[0]
  log('bad stored value rejected:', error?.code, '→ kept aside at', error?.quarantineKey)
  await reloaded.reset()
  log('after reset:', reloaded.settings.get(), 'stored:', area.data.get('settings') ?? null)
}
