import { describe, expect, it } from 'vitest'
import { createTodoStore, main } from './factory-store.js'

describe('factory store with bound methods (seeds 000, 002)', () => {
  it('works through destructured methods and keeps instances independent', async () => {
    const out = await main(() => undefined)
    expect(out).toEqual({ active: 1, visible: ['write docs'], otherCount: 0 })
  })

  it('filters by completion', () => {
    const s = createTodoStore()
    s.add('a')
    s.add('b')
    s.toggle(1)
    s.filter.set('completed')
    expect(s.visible.get().map((t) => t.text)).toEqual(['a'])
  })
})
