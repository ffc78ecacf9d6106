import { describe, expect, it } from 'vitest'
import { main } from './client-documents.js'

describe('client documents (seed 003)', () => {
  it('keeps per-key UI state locally, reactive and unsynced', async () => {
    const out = await main(() => undefined)
    expect(out.views).toEqual(['dashboard', 'personas', 'personas'])
    expect(out.state.newPersonaForm).toEqual({ name: 'Sage', description: '', isValid: true })
    expect(out.other).toBe('memory')
    expect(out.pending).toBe(0)
  })
})
