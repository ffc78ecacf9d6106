import { batch, signal } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { history } from './history.js'

describe('history', () => {
  it('undoes and redoes every change, and a new change clears redo', () => {
    const text = signal('')
    const h = history(text)
    text.set('a')
    text.set('ab')
    text.set('abc')
    expect(h.undo()).toBe(true)
    expect(text.peek()).toBe('ab')
    expect(h.undo()).toBe(true)
    expect(text.peek()).toBe('a')
    expect(h.canRedo.peek()).toBe(true)
    expect(h.redo()).toBe(true)
    expect(text.peek()).toBe('ab')
    text.set('X')
    expect(h.canRedo.peek()).toBe(false)
    expect(h.redo()).toBe(false)
    expect(h.undo()).toBe(true)
    expect(text.peek()).toBe('ab')
  })

  it('keeps at most `limit` steps', () => {
    const n = signal(0)
    const h = history(n, { limit: 3 })
    for (let i = 1; i <= 10; i++) n.set(i)
    let undos = 0
    while (h.undo()) undos++
    expect(undos).toBe(3)
    expect(n.peek()).toBe(7)
    expect(h.canUndo.peek()).toBe(false)
  })

  it('group makes a batch of changes (sync or async) one step', async () => {
    const n = signal(0)
    const h = history(n)
    h.group(() => {
      n.set(1)
      n.set(2)
      n.set(3)
    })
    await h.group(async () => {
      n.set(4)
      await new Promise((r) => setTimeout(r, 1))
      n.set(5)
    })
    expect(h.undo()).toBe(true)
    expect(n.peek()).toBe(3)
    expect(h.undo()).toBe(true)
    expect(n.peek()).toBe(0)
    expect(h.undo()).toBe(false)
  })

  it('a group that throws still records what it changed', () => {
    const n = signal(0)
    const h = history(n)
    expect(() =>
      h.group(() => {
        n.set(9)
        throw new Error('x')
      }),
    ).toThrow('x')
    h.undo()
    expect(n.peek()).toBe(0)
  })

  it('dispose stops recording', () => {
    const n = signal(0)
    const h = history(n)
    h.dispose()
    n.set(1)
    expect(h.undo()).toBe(false)
  })
})

describe('history inside a batch and with throwing listeners', () => {
  it('undo() inside a batch is not recorded as a new change and keeps redo', () => {
    const text = signal('a')
    const h = history(text)
    text.set('b')
    batch(() => {
      h.undo()
    })
    expect(text.peek()).toBe('a')
    expect([h.canUndo.peek(), h.canRedo.peek()]).toEqual([false, true])
    expect(h.redo()).toBe(true)
    expect(text.peek()).toBe('b')
    batch(() => h.undo())
    batch(() => h.redo())
    expect([text.peek(), h.canUndo.peek(), h.canRedo.peek()]).toEqual(['b', true, false])
  })

  it('group() inside a batch records one step, not an extra empty one', () => {
    const text = signal('a')
    const h = history(text)
    batch(() =>
      h.group(() => {
        text.set('b')
        text.set('c')
      }),
    )
    expect(h.undo()).toBe(true)
    expect(text.peek()).toBe('a')
    expect(h.canUndo.peek()).toBe(false)
    expect(h.undo()).toBe(false)
  })

  it('a write and an undo in the same batch: the write is a step of its own', () => {
    const text = signal('a')
    const h = history(text)
    text.set('b')
    batch(() => {
      text.set('c')
      h.undo()
    })
    expect(text.peek()).toBe('b')
    expect(h.undo()).toBe(true)
    expect(text.peek()).toBe('a')
    expect(h.redo()).toBe(true)
    expect(h.redo()).toBe(true)
    expect(text.peek()).toBe('c')
  })

  it('an undo whose listener throws still happened: the error is rethrown and canUndo/canRedo match', () => {
    const t = signal('a')
    const h = history(t)
    t.set('b')
    let fail = true
    t.listen(() => {
      if (fail) {
        fail = false
        throw new Error('listener')
      }
    })
    expect(() => h.undo()).toThrow('listener')
    expect(t.peek()).toBe('a')
    expect([h.canUndo.peek(), h.canRedo.peek()]).toEqual([false, true])
    expect(h.redo()).toBe(true)
    expect(t.peek()).toBe('b')
  })

  it('an undo whose write does not happen leaves the stacks as they were', () => {
    const inner = signal('a')
    let refuse = false
    const guarded = {
      ...inner,
      get: () => inner.get(),
      peek: () => inner.peek(),
      listen: inner.listen.bind(inner),
      subscribe: inner.subscribe.bind(inner),
      update: inner.update.bind(inner),
      set: (v: string) => {
        if (refuse) throw new Error('read-only now')
        inner.set(v)
      },
    }
    const h = history(guarded)
    guarded.set('b')
    refuse = true
    expect(() => h.undo()).toThrow('read-only now')
    expect([inner.peek(), h.canUndo.peek(), h.canRedo.peek()]).toEqual(['b', true, false])
    refuse = false
    expect(h.undo()).toBe(true)
    expect(inner.peek()).toBe('a')
  })

  it('an undo the store calls a no-op (custom equals) does not block the undos after it', () => {
    const doc = signal<{ text: string }>({ text: 'a' }, { equals: (x, y) => x.text === y.text })
    const h = history(doc)
    doc.set({ text: 'b' })
    h.group(() => {
      doc.set({ text: 'c' })
      doc.set({ text: 'b' })
    })
    h.undo()
    h.undo()
    expect(doc.peek().text).toBe('a')
    expect([h.canUndo.peek(), h.canRedo.peek()]).toEqual([false, true])
    expect(h.redo()).toBe(true)
    expect(doc.peek().text).toBe('b')
  })

  it('a listener that corrects the value during an undo: the undo lands on the corrected value', () => {
    const n = signal(0)
    const h = history(n)
    n.listen((v) => {
      if (v < 0) n.set(0)
    })
    n.set(5)
    n.set(-3) // corrected to 0 at once
    h.undo() // back to -3, corrected to 0 again
    expect(n.peek()).toBe(0)
    n.set(7)
    h.undo()
    expect(n.peek()).not.toBe(undefined)
    expect(n.peek()).toBe(0)
    h.undo()
    expect(n.peek()).toBe(5)
    h.undo()
    expect(n.peek()).toBe(0)
    expect(h.canUndo.peek()).toBe(false)
  })
})
