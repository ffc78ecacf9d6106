import { describe, expect, it } from 'vitest'
import { createPanels, main } from './floating-panels.js'

describe('multi-atom orchestration: floating panels (seed 000 §3)', () => {
  it('creates and deletes across stores consistently', async () => {
    const out = await main(() => undefined)
    expect(out.order).toEqual(['chat', 'debug'])
    expect(out.top).toBe('chat')
    expect(out.visible).toEqual(['chat'])
    expect(out.runtime).toEqual({})
    expect(out.inconsistencies).toEqual([])
  })

  it('z-order: each new panel goes on top; computed topPanel follows', () => {
    const p = createPanels()
    const tops: (string | undefined)[] = []
    p.topPanel.subscribe((t) => tops.push(t?.id))
    p.createPanel('a', { isVisible: true })
    p.createPanel('b', { isVisible: true })
    expect(p.panelConfigs.get().b?.zIndex).toBe(1002)
    expect(tops).toEqual([undefined, 'a', 'b'])
  })
})
