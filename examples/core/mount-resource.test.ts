import { describe, expect, it } from 'vitest'
import { main } from './mount-resource.js'

describe('onMount starts and stops a resource (seeds 000, 002)', () => {
  it('polls only while observed', async () => {
    const out = await main(() => undefined)
    expect(out.events).toEqual(['start polling', 'stop polling'])
    expect(out.seen.slice(0, 3)).toEqual([1, 2, 3])
    expect(out.pollsAfterStop).toBe(0)
  })
})
