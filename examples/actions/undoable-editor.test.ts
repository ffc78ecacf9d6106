import { describe, expect, it } from 'vitest'
import { createEditor, main } from './undoable-editor.js'

describe('undoable editor (seed 002)', () => {
  it('undoes grouped words and direct writes; redo re-applies', async () => {
    const out = await main(() => undefined)
    expect([out.afterOneUndo, out.afterTwoUndos, out.afterRedo, out.final]).toEqual([
      'Hello, world',
      'Hello',
      'Hello, world',
      '',
    ])
    expect(out.toolbar).toEqual(['undo off', 'undo on', 'undo off'])
    expect(out.canRedo).toBe(true)
  })

  it('respects the history limit', () => {
    const e = createEditor(2)
    for (const w of ['a', 'b', 'c', 'd']) e.typeWord(w)
    while (e.undo()) {}
    expect(e.text.get()).toBe('ab')
  })
})
