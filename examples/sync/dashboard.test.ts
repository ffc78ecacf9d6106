import { describe, expect, it } from 'vitest'
import { main } from './dashboard.js'

describe('seed 004: dashboard loads local first, syncs in the background', () => {
  it('shows local projects before the sync and the other device project after it', async () => {
    const out = await main(() => undefined)
    expect(out.instant).toEqual(['Docs site', 'My app'])
    expect(out.afterSync).toEqual(['Docs site', 'From phone', 'My app'])
    // The UI rendered the local list first, then the synced one — never an empty list.
    expect(out.renders[0]).toEqual(['Docs site', 'My app'])
    expect(out.renders.every((r) => r.length >= 2)).toBe(true)
    expect(out.renders[out.renders.length - 1]).toEqual(out.afterSync)
  })
})
