import { describe, expect, it } from 'vitest'
import { opfsEngine } from './opfs.js'

// Node has no Origin Private File System: the engine must fall back to memory. The real
// OPFS engine is exercised in Chromium (packages/persist/test/browser.test.ts).
describe('opfsEngine outside a browser', () => {
  it('falls back to an async memory engine', async () => {
    const e = opfsEngine()
    expect(e.name).toMatch(/^memory/)
    expect(e.sync).toBe(false)
    await e.setItem('a', '1')
    expect(await e.getItem('a')).toBe('1')
    expect(await e.keys('')).toEqual(['a'])
  })
})
