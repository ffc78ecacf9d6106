import { describe, expect, it } from 'vitest'
import { main } from './selectors.js'

describe('selector subscriptions (seed 001)', () => {
  it('notifies a selector only when its slice changes', async () => {
    const { nameRenders, emailRenders } = await main(() => undefined)
    expect(nameRenders).toEqual(['Ada', 'Grace'])
    expect(emailRenders).toEqual(['ada@example.com'])
  })
})
