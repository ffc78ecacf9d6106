import { describe, expect, it } from 'vitest'
import { MemoryStorage } from './_server.js'
import { createWorkflowSession, main } from './session-recovery.js'

describe('session recovery (seed 000 §6)', () => {
  it('auto-saves after a burst and recovers every store after a reload', async () => {
    const out = await main(() => undefined)
    expect(out).toEqual({
      available: true,
      recovered: true,
      step: 2,
      data: { intro: 'done', details: 'half' },
      workflowId: 'wf-7',
    })
  })

  it('invalid saved data is reported and not restored', async () => {
    const storage = new MemoryStorage()
    storage.setItem(
      'workflow-session',
      JSON.stringify({ savedAt: 1, data: { workflowId: 'x', currentStep: 'two', stepData: {} } }),
    )
    const s = createWorkflowSession(storage)
    const r = await s.session.recover()
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('RECOVERY_INVALID')
    expect([s.workflowId.peek(), s.currentStep.peek()]).toEqual([null, 0])
  })
})
