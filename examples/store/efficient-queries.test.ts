import { describe, expect, it } from 'vitest'
import { main } from './efficient-queries.js'

describe('efficient live queries (seed 003)', () => {
  it('filters, orders and limits; different filters are different queries; uses the index', async () => {
    const out = await main(() => undefined)
    expect(out.hot).toEqual(['m3'])
    expect(out.important).toEqual(['m19', 'm17'])
    expect(out.concepts).toEqual(['m18', 'm16'])
    expect(out.plan).toMatch(/memory_entities_personaId_memoryTier_lastAccessed_idx/)
  })
})
