import { describe, expect, it } from 'vitest'
import { createChatService, main, startChatBackend } from './api-first-fallback.js'

describe('API-first with fallback (seed 000 §4)', () => {
  it('uses the API when up, the database when the API fails, and records why', async () => {
    const out = await main(() => undefined)
    expect(out.chats.map((c) => [c.title, c.via])).toEqual([
      ['via API', 'api'],
      ['via fallback', 'db'],
    ])
    expect(out.fallback).toEqual({ reason: 'chat API unavailable' })
    expect(out.paths).toEqual(['/api/chat/create', '/api/chat/create', '/db/chats'])
  })

  it('when both fail the error surfaces and the list is unchanged', async () => {
    const server = await startChatBackend({ apiDown: true })
    await server.close()
    const svc = createChatService(server.url)
    await expect(svc.createChat({ title: 'x', teamId: 't' })).rejects.toThrow()
    expect(svc.chats.peek()).toEqual([])
  })
})
