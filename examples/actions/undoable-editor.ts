// Seed 002 "Undo/Redo": an editor with undo, redo, canUndo/canRedo.
// Seed: 66 lines (undoable store + JSX toolbar). Strata: 11 lines. `history` works on any
// store (the seed's only records writes made through its own `set`), keeps a limit, and groups
// a burst of edits (e.g. one paste or one typed word) into one undo step.
import { history } from '@strata/actions'
import { signal } from '@strata/core'

export function createEditor(limit = 100) {
  const text = signal('')
  const h = history(text, { limit })
  const typeWord = (word: string) =>
    h.group(() => {
      for (const ch of word) text.update((t) => t + ch)
    })
  return { text, typeWord, ...h }
}

export async function main(log: (...args: unknown[]) => void) {
  const editor = createEditor()
  const toolbar: string[] = []
  const stop = editor.canUndo.subscribe((u) => toolbar.push(`undo ${u ? 'on' : 'off'}`))
  editor.typeWord('Hello')
  editor.typeWord(', world')
  editor.text.set('Hello, world!') // a direct write is recorded too
  editor.undo()
  const afterOneUndo = editor.text.get()
  editor.undo()
  const afterTwoUndos = editor.text.get()
  editor.redo()
  const afterRedo = editor.text.get()
  editor.undo()
  editor.undo()
  stop()
  log('text:', JSON.stringify(editor.text.get()), 'toolbar:', toolbar)
  return {
    afterOneUndo,
    afterTwoUndos,
    afterRedo,
    final: editor.text.get(),
    toolbar,
    canRedo: editor.canRedo.get(),
  }
}
