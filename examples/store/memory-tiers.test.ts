import { describe, expect, it } from 'vitest'
import { main } from './memory-tiers.js'

describe('memory tier optimizer and cached stats (seed 003)', () => {
  it('re-tiers in one batch, is idempotent, and the stats computed updates once', async () => {
    const out = await main(() => undefined)
    expect(out.changed).toBe(1)
    expect(out.again).toBe(0)
    expect(out.seen).toEqual([
      { hot: 0, warm: 3, cold: 0 },
      { hot: 0, warm: 2, cold: 1 },
    ])
  })
})
