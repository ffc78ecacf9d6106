import { describe, expect, it } from 'vitest'
import { main } from './batching.js'

describe('batched updates (seeds 001, 002)', () => {
  it('runs the observer once for four writes, with the complete user', async () => {
    const { renders } = await main(() => undefined)
    expect(renders).toEqual(['  <> 0', 'Ada Lovelace <ada@example.com> 36'])
  })
})
