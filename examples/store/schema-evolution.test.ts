import { describe, expect, it } from 'vitest'
import { main } from './schema-evolution.js'

describe('schema evolution v1/v2 (seed 003)', () => {
  it('applies both versions and replays them identically', async () => {
    const out = await main(() => undefined)
    expect(out.rows).toEqual([
      { id: 'm1', importance: 70, memoryTier: 'warm', version: 1, metadata: {} },
      { id: 'm2', importance: 40, memoryTier: 'hot', version: 2, metadata: { source: 'chat' } },
    ])
    expect(out.rebuilt).toEqual(out.rows)
  })
})
