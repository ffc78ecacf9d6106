import { describe, expect, it } from 'vitest'
import { ForwardedWrites } from './forwarded-writes.js'

describe('ForwardedWrites', () => {
  it("keeps a row's last forwarded write until that commit shows, ignores commits made while leading", () => {
    let shown = 0
    let last = 0
    const writes = new ForwardedWrites(
      () => shown,
      () => last,
    )
    writes.note('t:a', { v: 0 }) // leading: committed here, nothing to remember
    expect(writes.get('t:a')).toBeUndefined()
    last = 1
    writes.note('t:a', { v: 1 })
    last = 2
    writes.note('t:b', { v: 2 })
    last = 3
    writes.note('t:a', null) // deleted by commit 3
    expect([writes.get('t:a'), writes.get('t:b')]).toEqual([null, { v: 2 }])
    shown = 2 // commits 1 and 2 show: b's write is the replica's now; a's delete is not yet
    expect([writes.get('t:a'), writes.get('t:b')]).toEqual([null, undefined])
    shown = 3
    expect(writes.get('t:a')).toBeUndefined()
  })
})
