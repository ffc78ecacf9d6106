import { signal } from '@strata/core'
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
