/**
 * Seed 002 "SessionStorage for Temporary State": a blog-post draft that survives a
 * reload of this tab but not the tab itself. `null` means "no draft": clearing removes
 * the stored entry, as the seed's `removeItem` did. Server-side (no sessionStorage) the
 * engine falls back to memory instead of crashing.
 */
import { persistent, type StorageEngine, sessionStorageEngine } from '@strata/persist'
import { z } from 'zod'

const draftSchema = z.object({ title: z.string(), content: z.string(), lastSaved: z.number() }).nullable()
export type FormDraft = z.infer<typeof draftSchema>

/** The draft store of the seed; `now` is injectable for tests. */
export function createFormDraftStore(engine: StorageEngine = sessionStorageEngine(), now = () => Date.now()) {
  const draft = persistent<FormDraft>(null, 'form-draft', { engine, schema: draftSchema, crossTab: false })
  return {
    draft,
    saveDraft: (title: string, content: string) => draft.set({ title, content, lastSaved: now() }),
    clearDraft: () => draft.clear(),
  }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const engine = sessionStorageEngine() // memory here in Node: same code, no crash
  const tab = createFormDraftStore(engine, () => 1_700_000_000_000)
  tab.saveDraft('Local-first', 'State lives in layers…')
  const afterReload = createFormDraftStore(engine)
  log('engine:', engine.name)
  log('restored draft:', afterReload.draft.get()?.title)
  await afterReload.clearDraft()
  log('after publish:', createFormDraftStore(engine).draft.get())
}
