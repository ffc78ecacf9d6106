import { MemoryArea, memoryEngine, SchemaError } from '@strata/persist'
import { describe, expect, it } from 'vitest'
import { createSettingsStore, defaultSettings, main } from './settings-store.js'

describe('example: settings store', () => {
  it('migrates, saves debounced, reloads, rejects bad data, resets', async () => {
    const area = new MemoryArea()
    area.data.set('settings', '{"v":0,"d":{"dark":true}}')
    const a = createSettingsStore(memoryEngine({ area }))
    expect(a.settings.get()).toEqual({ ...defaultSettings, theme: 'dark' })
    a.updateSettings({ fontSize: 20 })
    expect(JSON.parse(area.data.get('settings') as string).v).toBe(0) // debounced: not yet written
    await a.settings.flush()
    expect(JSON.parse(area.data.get('settings') as string).v).toBe(1)
    expect(createSettingsStore(memoryEngine({ area })).settings.get().fontSize).toBe(20)
    area.data.set('settings', '{"v":1,"d":{"fontSize":500}}')
    const c = createSettingsStore(memoryEngine({ area }))
    expect(c.settings.get()).toEqual(defaultSettings)
    expect(c.settings.errors.get()[0]).toBeInstanceOf(SchemaError)
    await a.reset()
    expect(area.data.has('settings')).toBe(false)
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...a) => lines.push(a))
    expect(lines[0]?.[1]).toEqual({ ...defaultSettings, theme: 'dark' })
    expect(lines[2]?.[1]).toBe('E_SCHEMA')
  })
})
