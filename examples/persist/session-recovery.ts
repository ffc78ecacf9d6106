/**
 * Seed 000 "Session Recovery Pattern": auto-save a long-running workflow (debounced),
 * keep recovery metadata, offer recovery after a crash or reload, and clear everything
 * on logout. Here on the Node file engine (atomic writes: a crash mid-save leaves the
 * previous checkpoint, never a torn file); in a browser pass `localStorageEngine()`.
 *
 * Length: 68 lines, as long as the seed's 68 — the same three behaviours (debounced auto-save,
 * recovery offer, logout cleanup) plus crash-safe writes the seed does not have.
 */
import { computed } from '@strata/core'
import { persistent, type StorageEngine } from '@strata/persist'
import { z } from 'zod'

const workflowSchema = z
  .object({
    workflowId: z.string(),
    currentStep: z.number().int().min(0),
    stepData: z.record(z.string(), z.unknown()),
    lastUpdated: z.number(),
    sessionId: z.string(),
  })
  .nullable()
export type WorkflowState = NonNullable<z.infer<typeof workflowSchema>>

const recoverySchema = z.object({
  hasRecoverableWorkflow: z.boolean(),
  lastSessionId: z.string().optional(),
  lastExecutionTime: z.number().optional(),
  workflowId: z.string().optional(),
  step: z.number().optional(),
})
export type RecoveryData = z.infer<typeof recoverySchema>

/** The workflow session of the seed: auto-save, recovery check, recovery, cleanup. */
export function createWorkflowSession(engine: StorageEngine, sessionId: string, now = () => Date.now()) {
  const workflow = persistent<WorkflowState | null>(null, 'workflow-state', {
    engine,
    schema: workflowSchema,
    debounce: 1000,
  })
  const recovery = persistent<RecoveryData>({ hasRecoverableWorkflow: false }, 'workflow-recovery', {
    engine,
    schema: recoverySchema,
  })
  const canRecover = computed(
    () => recovery.get().hasRecoverableWorkflow && recovery.get().lastSessionId !== sessionId,
  )
  return {
    workflow,
    recovery,
    canRecover,
    /** Auto-save: the step's data is debounced; the metadata is written at once. */
    saveStep(workflowId: string, step: number, data: unknown) {
      const prev = workflow.get()
      workflow.set({
        workflowId,
        currentStep: step,
        stepData: { ...(prev?.workflowId === workflowId ? prev.stepData : {}), [String(step)]: data },
        lastUpdated: now(),
        sessionId,
      })
      recovery.set({
        hasRecoverableWorkflow: true,
        lastSessionId: sessionId,
        lastExecutionTime: now(),
        workflowId,
        step,
      })
    },
    /** Take over a workflow left by an earlier session; false when there is none. */
    recover(): boolean {
      const stored = workflow.get()
      if (!canRecover.get() || !stored) return false
      workflow.set({ ...stored, sessionId })
      recovery.set({ ...recovery.get(), lastSessionId: sessionId })
      return true
    },
    /** Coordinated cleanup on logout: nothing recoverable remains. */
    async logout() {
      await Promise.all([workflow.clear(), recovery.clear()])
    },
    flush: () => Promise.all([workflow.flush(), recovery.flush()]),
  }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { fileEngine } = await import('@strata/persist/node')
  const directory = mkdtempSync(join(tmpdir(), 'strata-example-recovery-'))
  try {
    const before = createWorkflowSession(fileEngine({ directory }), 'session-1')
    before.saveStep('onboarding', 0, { name: 'Ada' })
    before.saveStep('onboarding', 1, { plan: 'pro' })
    await before.flush() // what pagehide / process exit do for a debounced store
    // …the tab crashes; a new session starts
    const after = createWorkflowSession(fileEngine({ directory }), 'session-2')
    log('recoverable:', after.canRecover.get(), 'step', after.recovery.get().step)
    log('recovered:', after.recover(), after.workflow.get()?.stepData)
    await after.logout()
    log('after logout:', createWorkflowSession(fileEngine({ directory }), 'session-3').canRecover.get())
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
