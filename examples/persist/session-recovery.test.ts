import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fileEngine } from '@strata/persist/node'
import { createWorkflowSession, main } from './session-recovery.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'strata-ex-recovery-'))
  dirs.push(d)
  return d
}

describe('example: session recovery', () => {
  it('a new session can recover the last saved workflow; its own session cannot', async () => {
    const directory = tmp()
    const s1 = createWorkflowSession(fileEngine({ directory }), 's1', () => 5)
    s1.saveStep('wf', 0, 'a')
    expect(s1.canRecover.get()).toBe(false)
    await s1.flush()
    const s2 = createWorkflowSession(fileEngine({ directory }), 's2')
    expect(s2.canRecover.get()).toBe(true)
    expect(s2.recover()).toBe(true)
    expect(s2.workflow.get()).toMatchObject({
      workflowId: 'wf',
      currentStep: 0,
      stepData: { '0': 'a' },
      sessionId: 's2',
    })
    expect(s2.canRecover.get()).toBe(false)
  })

  it('a corrupt checkpoint is not recovered and is kept aside, not deleted', () => {
    const directory = tmp()
    writeFileSync(join(directory, 'kworkflow-state'), '{"v":0,"d":{"workflowId":42}}')
    const s = createWorkflowSession(fileEngine({ directory }), 's')
    expect(s.workflow.get()).toBeNull()
    const err = s.workflow.errors.get()[0]
    expect(err?.code).toBe('E_SCHEMA')
    expect(fileEngine({ directory }).getItem(err?.quarantineKey as string)).toBe(
      '{"v":0,"d":{"workflowId":42}}',
    )
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...x) => lines.push(x))
    expect(lines).toEqual([
      ['recoverable:', true, 'step', 1],
      ['recovered:', true, { '0': { name: 'Ada' }, '1': { plan: 'pro' } }],
      ['after logout:', false],
    ])
  })
})
