import { describe, expect, it } from 'vitest'
import { main } from './selector-subscriptions.js'

describe('selector subscriptions (seed 001)', () => {
  it('a selector notifies only when its field changes', async () => {
    const out = await main(() => undefined)
    expect(out.nameRenders).toEqual(['Ada', 'Ada L.'])
    expect(out.emailRenders).toEqual(['ada@example.com', 'ada@lovelace.dev'])
  })
})
