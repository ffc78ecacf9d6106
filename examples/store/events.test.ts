import { describe, expect, it } from 'vitest'
import { main } from './events.js'

describe('versioned events (seed 003)', () => {
  it('commits a versioned event and refuses an unversioned name', async () => {
    const out = await main(() => undefined)
    expect(out.persona).toMatchObject({ id: 'p1', name: 'Sage', isActive: false, usageCount: 0 })
    expect(out.refused).toMatch(/versioned/)
    expect(out.log).toEqual(['v1.PersonaCreated #1'])
  })
})
