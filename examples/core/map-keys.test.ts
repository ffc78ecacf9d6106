import { describe, expect, it } from 'vitest'
import { main } from './map-keys.js'

describe('map store with key listening (seed 000, nanostores map)', () => {
  it('calls the key listener only for its keys; undefined deletes', async () => {
    const out = await main(() => undefined)
    expect(out.saved).toEqual(['apiKey=k-123', 'apiKey=(deleted)'])
    expect(out.settings).toEqual({ theme: 'dark', language: 'en' })
    expect('apiKey' in out.settings).toBe(false)
  })
})
