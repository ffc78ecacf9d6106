import { signal } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { main, usePagination, useToggle } from './pagination-toggle.js'

describe('pagination and toggle hooks (seed 002)', () => {
  it('pages forward, stops at the end, and follows a shrinking list', async () => {
    const out = await main(() => undefined)
    expect(out.pages).toEqual([
      '1:product-1…product-12',
      '2:product-13…product-24',
      '3:product-25…product-30',
      '1:product-1…product-5',
    ])
    expect([out.page, out.totalPages, out.open]).toEqual([1, 1, true])
  })

  it('goToPage clamps; prevPage stops at 1', () => {
    const pager = usePagination(signal([1, 2, 3, 4, 5]), 2)
    pager.goToPage(99)
    expect(pager.currentPage.get()).toBe(3)
    pager.goToPage(-3)
    pager.prevPage()
    expect(pager.currentPage.get()).toBe(1)
    const t = useToggle(true)
    t.setFalse()
    expect(t.value.get()).toBe(false)
  })
})
