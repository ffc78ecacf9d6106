import { describe, expect, it } from 'vitest'
import { main } from './base-store-collection.js'

describe('BaseStore as a collection (seed 000)', () => {
  it('creates, archives and lists chats with Appwrite-style queries; live list follows', async () => {
    const out = await main(() => undefined)
    expect(out.active).toEqual(['Second'])
    expect(out.total).toBe(1)
    expect(out.counts).toEqual([0, 1, 2, 1])
    expect(out.pending).toEqual(['v1.chat.Created', 'v1.chat.Created', 'v1.chat.Updated'])
  })
})
