import { describe, expect, it } from 'vitest'
import { main } from './batch-operations.js'

describe('batch operations (seed 003)', () => {
  it('creates persona + memories + activation atomically; a bad batch leaves nothing', async () => {
    const out = await main(() => undefined)
    expect(out.personas).toEqual([{ name: 'Sage', isActive: true }])
    expect(out.memories).toBe(2)
    expect(out.notifications).toBe(1)
    expect(out.error).toBe('v1.MemoryEntityCreated name')
  })
})
