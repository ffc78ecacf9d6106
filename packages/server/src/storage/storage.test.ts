import { describe, expect, it } from 'vitest'
import { planPush } from './storage.js'

const seqs = (...s: number[]) => s.map((seq) => ({ seq }))

describe('planPush', () => {
  it('all fresh when the push starts at lastSeq + 1', () => {
    expect(planPush(2, seqs(3, 4))).toEqual({ duplicates: [], fresh: [0, 1], gapped: [] })
  })
  it('leading duplicates then fresh', () => {
    expect(planPush(3, seqs(2, 3, 4))).toEqual({ duplicates: [0, 1], fresh: [2], gapped: [] })
  })
  it('all duplicates', () => {
    expect(planPush(9, seqs(1, 2))).toEqual({ duplicates: [0, 1], fresh: [], gapped: [] })
  })
  it('a gap refuses the whole tail', () => {
    expect(planPush(0, seqs(2, 3))).toEqual({ duplicates: [], fresh: [], gapped: [0, 1] })
  })
})
