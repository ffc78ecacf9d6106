import { describe, expect, it } from 'vitest'
import { MemoryStorage } from './_server.js'
import { createWorkflowStore, main } from './hybrid-store.js'

describe('hybrid store (seed 000 §2)', () => {
  it('persisted state survives a reload, runtime state does not, the computed follows', async () => {
    const out = await main(() => undefined)
    expect(out.progressBefore).toBe(25)
    expect(out.recovered).toBe(true)
    expect(out.workflowAfter).toEqual({ id: 'wf1', name: 'Onboarding', ownerId: 'u1', isActive: false })
    expect(out.progressAfter).toBe(0)
  })

  it('tampered storage is refused, the store keeps its default', async () => {
    const storage = new MemoryStorage()
    storage.setItem('currentWorkflow', JSON.stringify({ savedAt: 1, data: { currentWorkflow: { id: 1 } } }))
    const store = createWorkflowStore('http://127.0.0.1:9', storage)
    const r = await store.persisted.recover()
    expect(r.ok).toBe(false)
    expect(store.currentWorkflow.peek()).toBeNull()
  })
})
