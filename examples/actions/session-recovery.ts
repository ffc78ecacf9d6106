// Seed 000 §6 "Session Recovery": debounced auto-save of a workflow and recovery after a crash.
// Seed: 68 lines (recovery-metadata atom, auto-save, load, check). Strata: 22 lines.
// `recover()` validates with a schema before touching any store (the seed says "validate before
// restoring" but restores whatever `loadWorkflowState()` returns); metadata comes for free.
import { sessionRecovery, type SessionStorageLike } from '@strata/actions'
import { signal } from '@strata/core'
import { z } from 'zod'
import { MemoryStorage } from './_server.js'

const Saved = z.object({
  workflowId: z.string().nullable(),
  currentStep: z.number().int().min(0),
  stepData: z.record(z.string(), z.string()),
})

export function createWorkflowSession(storage: SessionStorageLike) {
  const workflowId = signal<string | null>(null)
  const currentStep = signal(0)
  const stepData = signal<Record<string, string>>({})
  const session = sessionRecovery({
    key: 'workflow-session',
    storage,
    stores: { workflowId, currentStep, stepData },
    schema: Saved,
    debounce: 50,
  })
  return { workflowId, currentStep, stepData, session }
}

export async function main(log: (...args: unknown[]) => void) {
  const storage = new MemoryStorage()
  const tab = createWorkflowSession(storage)
  const stop = tab.session.start()
  tab.workflowId.set('wf-7')
  tab.stepData.set({ intro: 'done' })
  tab.currentStep.set(1)
  tab.stepData.update((d) => ({ ...d, details: 'half' }))
  tab.currentStep.set(2)
  // The debounced save happens once, after the burst: wait for it to be reported.
  await new Promise<void>((resolve) => {
    const off = tab.session.status.listen(() => {
      off()
      resolve()
    })
  })
  stop()

  // Crash + reload: a fresh set of stores over the same storage.
  const reloaded = createWorkflowSession(storage)
  const available = await reloaded.session.check()
  const result = await reloaded.session.recover()
  log('recoverable:', available.available, '→ step', reloaded.currentStep.get(), reloaded.stepData.get())
  return {
    available: available.available,
    recovered: result.ok && result.recovered,
    step: reloaded.currentStep.get(),
    data: reloaded.stepData.get(),
    workflowId: reloaded.workflowId.get(),
  }
}
