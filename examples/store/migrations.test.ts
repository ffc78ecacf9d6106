import { describe, expect, it } from 'vitest'
import { main } from './migrations.js'

describe('migrations (seed 003)', () => {
  it('rebuilds on a table change and runs data migrations once, as events', async () => {
    const out = await main(() => undefined)
    expect(out.boot).toEqual({ mode: 'rebuilt', reason: 'schema-changed' })
    expect(out.rows).toEqual([
      { id: 'a', name: 'Ada', version: 2, newFeatureFlag: false },
      { id: 'b', name: 'Brian', version: 2, newFeatureFlag: false },
    ])
    expect(out.events).toBe(5)
  })
})
