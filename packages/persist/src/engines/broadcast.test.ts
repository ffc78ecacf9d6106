import { describe, expect, it } from 'vitest'
import { changeChannel } from './broadcast.js'

describe('changeChannel', () => {
  it('delivers to other channels of the same name, not to the sender', async () => {
    const name = `t-${Date.now()}`
    const a = changeChannel(name)
    const b = changeChannel(name)
    const own: (string | null)[] = []
    a.watch((c) => own.push(c.key))
    const got = new Promise<(string | null)[]>((resolve) => {
      const keys: (string | null)[] = []
      b.watch((c) => {
        keys.push(c.key)
        if (keys.length === 2) resolve(keys)
      })
    })
    a.post('x')
    a.post(null)
    expect(await got).toEqual(['x', null])
    expect(own).toEqual([])
    a.close()
    b.close()
  })
})
