import { describe, expect, it } from 'vitest'
import { main } from './async-products.js'

describe('async products store (seed 002)', () => {
  it('CRUD against a real server with loading and error state', async () => {
    const out = await main(() => undefined)
    expect(out.products).toEqual([{ id: 'p1', name: 'Keyboard', price: 90 }])
    expect(out.error).toBe('product nope not found')
    expect(out.failed).toMatchObject({ status: 404 })
    expect(out.loadingSeen).toEqual([true, false, true, false, true, false, true, false, true, false])
  })
})
