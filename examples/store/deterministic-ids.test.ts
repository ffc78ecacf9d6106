import { describe, expect, it } from 'vitest'
import { main } from './deterministic-ids.js'

describe('deterministic events (seed 003)', () => {
  it('rebuild and a replica produce identical rows, ids included', async () => {
    const out = await main(() => undefined)
    expect(out.before).toHaveLength(2)
    expect(out.after).toEqual(out.before)
    expect(out.onReplica).toEqual(out.before)
  })
})
