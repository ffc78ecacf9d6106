import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileEngine } from '@strata/persist/node'
import { afterEach, describe, expect, it } from 'vitest'
import { createPreferences, main } from './persistent-signal.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('example: generic persistent signal', () => {
  it('values survive a restart on the file engine; debounced ones after flush', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'strata-ex-'))
    dirs.push(directory)
    const a = createPreferences(fileEngine({ directory }))
    a.theme.set('dark')
    a.userPreferences.set({ notifications: false, emailDigest: 'daily', timezone: 'CET' })
    expect(createPreferences(fileEngine({ directory })).userPreferences.get().emailDigest).toBe('weekly')
    await a.userPreferences.flush()
    const b = createPreferences(fileEngine({ directory }))
    expect(b.theme.get()).toBe('dark')
    expect(b.userPreferences.get()).toEqual({ notifications: false, emailDigest: 'daily', timezone: 'CET' })
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...a) => lines.push(a))
    expect(lines[0]).toEqual(['theme:', 'dark', 'recent:', ['signals', 'strata']])
    expect(lines[1]).toEqual(['hydrated before first read:', 'ready'])
  })
})
