import { describe, expect, it } from 'vitest'
import { main } from './batched-updates.js'

describe('batched updates (seeds 001/002)', () => {
  it('each batch is one render with a consistent user; unbatched writes render in between', async () => {
    const { renders } = await main(() => undefined)
    expect(renders).toEqual([
      '  <> 0',
      'Ada Lovelace <ada@example.com> 36',
      'Grace Hopper <grace@example.com> 85',
      'Alan Hopper <grace@example.com> 85',
      'Alan Turing <grace@example.com> 85',
    ])
  })
})
