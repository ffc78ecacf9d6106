import { describe, expect, it } from 'vitest'
import { main, modal } from './modal.js'

describe('modal module state (seed 002)', () => {
  it('opens and closes from anywhere; observers see both', async () => {
    const out = await main(() => undefined)
    expect(out.screen).toEqual([
      '(no modal)',
      '[Confirm Action] Are you sure you want to continue?',
      '(no modal)',
    ])
    expect(out.openWhileShown).toBe(true)
    expect(out.openAfter).toBe(false)
    expect(modal.state.peek()).toEqual({ isOpen: false, title: '', content: null })
  })
})
