import { describe, expect, it } from 'vitest'
import { main } from './delete-both-layers.js'

describe('seed 004: delete on both layers', () => {
  it('removes the project with its messages and files everywhere', async () => {
    const out = await main(() => undefined)
    expect(out.phoneNow).toEqual(['Keep'])
    const expected = { projects: ['p1'], messages: 0, files: ['new.txt'] }
    expect(out.laptop).toEqual(expected)
    expect(out.phone).toEqual(expected)
    expect(out.tablet).toEqual(expected)
  })
})
