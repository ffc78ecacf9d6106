import { describe, expect, it } from 'vitest'
import { main } from './master-detail.js'

describe('master-detail and cache sync (seed 001)', () => {
  it('keeps list and selection consistent and fills the cache from a real server once', async () => {
    const out = await main(() => undefined)
    expect(out.selected).toBe('Ada L.')
    expect(out.listNames).toEqual(['Ada L.', 'Grace'])
    expect(out.missing).toBe('User not found')
    expect(out.current).toBe('Grace')
    expect(out.cacheKeys).toEqual(['u2'])
    expect(out.failed).toBe('Failed to load user')
    expect(out.serverHits).toEqual(['/users/u2', '/users/u404'])
  })
})
