import { describe, expect, it } from 'vitest'
import { createChatStore, main, startChatBackend } from './factory-store.js'

describe('factory store with bound methods (seed 000 §1)', () => {
  it('destructured methods work against a real server and keep the computed in sync', async () => {
    const out = await main(() => undefined)
    expect(out.active).toEqual(['Standup'])
    expect(out.requests).toEqual(['POST /chats', 'POST /chats', 'PATCH /chats/c1', 'GET /chats'])
  })

  it('a failed server call leaves the store unchanged', async () => {
    const server = await startChatBackend()
    try {
      const { markAsArchived, chats } = createChatStore(server.url)
      await expect(markAsArchived('missing')).rejects.toMatchObject({ status: 404 })
      expect(chats.peek()).toEqual([])
    } finally {
      await server.close()
    }
  })
})
