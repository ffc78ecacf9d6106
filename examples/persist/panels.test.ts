import { memoryEngine } from '@strata/persist'
import { describe, expect, it } from 'vitest'
import { createPanelStore, main } from './panels.js'

describe('example: persistent panels', () => {
  it('persists per panel, restores order and positions, drops runtime state, closes', async () => {
    const engine = memoryEngine()
    const a = createPanelStore(engine)
    a.openPanel({ id: 'p1', x: 1, y: 2, width: 3, open: true })
    a.movePanel('p1', 9, 9)
    a.startDrag('p1')
    await a.flush()
    expect(engine.keys('floating-panels:')).toEqual(['floating-panels:p1'])
    const b = createPanelStore(engine)
    expect(b.openPanels.get()).toEqual([{ id: 'p1', x: 9, y: 9, width: 3, open: true }])
    expect(b.runtime.get()).toEqual({})
    b.closePanel('p1')
    await b.flush()
    expect(engine.keys('floating-panels:')).toEqual([])
    expect(createPanelStore(engine).panelManagerState.get().panelOrder).toEqual([])
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...x) => lines.push(x))
    expect(lines).toEqual([
      ['stored keys:', ['floating-panels:chat', 'floating-panels:log']],
      ['after reload:', ['chat@40,60', 'log@320,0']],
      ['runtime state is not persisted:', {}],
    ])
  })
})
