import { memoryEngine } from '@strata/persist'
import { describe, expect, it } from 'vitest'
import { createFormDraftStore, main } from './form-draft.js'

describe('example: sessionStorage form draft', () => {
  it('saves, restores after reload, clears after publish', async () => {
    const engine = memoryEngine()
    const a = createFormDraftStore(engine, () => 42)
    expect(a.draft.get()).toBeNull()
    a.saveDraft('t', 'c')
    expect(createFormDraftStore(engine).draft.get()).toEqual({ title: 't', content: 'c', lastSaved: 42 })
    await a.clearDraft()
    expect(engine.getItem('form-draft')).toBeNull()
    expect(createFormDraftStore(engine).draft.get()).toBeNull()
  })

  it('main() runs on a server without sessionStorage', async () => {
    const lines: unknown[][] = []
    await main((...a) => lines.push(a))
    expect(lines).toEqual([
      ['engine:', 'memory (no sessionStorage)'],
      ['restored draft:', 'Local-first'],
      ['after publish:', null],
    ])
  })
})
