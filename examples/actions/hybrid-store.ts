// Seed 000 §2 "Hybrid Store": persisted state + runtime-only state + a computed + direct DB calls.
// Seed: 48 lines (persistentAtom, atom, computed, two functions building an SDK client each call).
// Strata: 44 lines. The persisted part is validated on load (the seed's `JSON.parse` trusts
// whatever is in storage), and DB calls go to a real HTTP server.
import { sessionRecovery, type SessionStorageLike } from '@strata/actions'
import { computed, signal } from '@strata/core'
import { z } from 'zod'
import { http, MemoryStorage, startServer } from './_server.js'

export interface Workflow {
  id: string
  name: string
  ownerId: string
  isActive: boolean
}
interface Step {
  stepId: string
  isComplete: boolean
}

const WorkflowSchema = z.object({
  id: z.string(),
  name: z.string(),
  ownerId: z.string(),
  isActive: z.boolean(),
})

export function createWorkflowStore(api: string, storage: SessionStorageLike) {
  const currentWorkflow = signal<Workflow | null>(null) // persisted (below)
  const execution = signal({ startTime: Date.now(), totalSteps: 0, steps: [] as Step[] }) // runtime only
  const progress = computed(() => {
    const { totalSteps, steps } = execution.get()
    return totalSteps === 0 ? 0 : Math.round((steps.filter((s) => s.isComplete).length / totalSteps) * 100)
  })
  const persisted = sessionRecovery({
    key: 'currentWorkflow',
    storage,
    stores: { currentWorkflow },
    schema: z.object({ currentWorkflow: WorkflowSchema.nullable() }),
    debounce: 0,
  })
  return {
    currentWorkflow,
    execution,
    progress,
    persisted,
    getWorkflow: (id: string) => http<Workflow>(`${api}/workflows/${id}`),
    createWorkflow: (name: string, ownerId: string) =>
      http<Workflow>(`${api}/workflows`, { method: 'POST', body: { name, ownerId, isActive: false } }),
  }
}

export function startWorkflowBackend() {
  const rows = new Map<string, Workflow>()
  return startServer({
    'POST /workflows': ({ body }) => {
      const wf = { id: `wf${rows.size + 1}`, ...(body as Omit<Workflow, 'id'>) }
      rows.set(wf.id, wf)
      return { status: 201, body: wf }
    },
    'GET /workflows/:id': ({ params }) => {
      const wf = rows.get(params.id ?? '')
      return wf ? { body: wf } : { status: 404, body: { message: 'not found' } }
    },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startWorkflowBackend()
  const storage = new MemoryStorage()
  try {
    const before = createWorkflowStore(server.url, storage)
    const stop = before.persisted.start()
    const created = await before.createWorkflow('Onboarding', 'u1')
    before.currentWorkflow.set(await before.getWorkflow(created.id))
    before.execution.set({ startTime: 0, totalSteps: 4, steps: [{ stepId: 'a', isComplete: true }] })
    await before.persisted.flush()
    stop()
    log('progress before reload:', before.progress.get())

    // "Reload": a new store over the same storage gets the persisted part back, not the runtime part.
    const after = createWorkflowStore(server.url, storage)
    const recovered = await after.persisted.recover()
    log('after reload:', after.currentWorkflow.get()?.name, 'progress', after.progress.get())
    return {
      progressBefore: before.progress.get(),
      recovered: recovered.ok && recovered.recovered,
      workflowAfter: after.currentWorkflow.get(),
      progressAfter: after.progress.get(),
    }
  } finally {
    await server.close()
  }
}
