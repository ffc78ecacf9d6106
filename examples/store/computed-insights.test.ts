import { describe, expect, it } from 'vitest'
import { main } from './computed-insights.js'

describe('computed insights over a live query (seed 003)', () => {
  it('derives totals, groups and averages; reacts to commits and to time', async () => {
    const out = await main(() => undefined)
    expect(out.first).toEqual({
      totalMemories: 2,
      memoryByType: { fact: 1, concept: 1 },
      averageImportance: 60,
      recentActivity: 2,
    })
    expect(out.laterRecent).toBe(0)
    // initial, after the commit, after the clock moved — not after the other persona's memory
    expect(out.seen).toEqual([0, 2, 2])
  })
})
