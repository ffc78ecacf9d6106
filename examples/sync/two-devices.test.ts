import { describe, expect, it } from 'vitest'
import { main } from './two-devices.js'

describe('seed 004: a project created on one device appears on the other, deduplicated', () => {
  it('converges to one row per project id on both devices', async () => {
    const out = await main(() => undefined)
    // Server order decides: the laptop pushed first, the phone's create came after and wins.
    expect(out.onLaptop).toEqual(['p1:My app', 'tpl-blog:Blog starter (phone)'])
    expect(out.onPhone).toEqual(out.onLaptop)
  })
})
