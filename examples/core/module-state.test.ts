import { describe, expect, it } from 'vitest'
import { main, modal } from './module-state.js'

describe('module-level state (seed 002)', () => {
  it('opens and closes the shared modal and notifies subscribers', async () => {
    const out = await main(() => undefined)
    expect(out.seen).toEqual([false, true, false])
    expect(out.title).toBe('')
    modal.open('Hi', 'there')
    expect(modal.state.get()).toEqual({ isOpen: true, title: 'Hi', content: 'there' })
    modal.close()
  })
})
