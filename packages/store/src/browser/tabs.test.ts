// Under Node there are no Web Locks: every opener leads its own copy. The multi-tab
// behaviour (replica, forwarding, promotion) runs in Chromium: test/browser.test.ts;
// here with an in-test lock manager where the timing must be exact.
import { describe, expect, it } from 'vitest'
import { fakeLocks } from '../../test/fake-locks.js'
import { claimLeadership, storeChannel } from './tabs.js'

describe('tabs without Web Locks', () => {
  it('claimLeadership makes this context the leader', async () => {
    const lead = await claimLeadership('s')
    expect(lead.isLeader).toBe(true)
    lead.release()
  })

  it('storeChannel delivers to another channel of the same store only', async () => {
    const a = storeChannel('one')!
    const b = storeChannel('one')!
    const other = storeChannel('two')!
    const seen: unknown[] = []
    other.onmessage = (e) => seen.push(['two', e.data])
    const got = new Promise((resolve) => {
      b.onmessage = (e) => resolve(e.data)
    })
    a.postMessage({ t: 'records', records: [] })
    expect(await got).toEqual({ t: 'records', records: [] })
    expect(seen).toEqual([])
    for (const c of [a, b, other]) c.close()
  })
})

describe('tabs with a lock manager', () => {
  it('the first claim leads; a promotion that happens before anyone listens is still told', async () => {
    const restore = fakeLocks().install()
    try {
      const a = await claimLeadership('early')
      const b = await claimLeadership('early')
      expect([a.isLeader, b.isLeader]).toEqual([true, false])
      a.release()
      await new Promise((r) => setTimeout(r, 5))
      expect(b.isLeader).toBe(true)
      let told = 0
      b.onPromoted(() => told++) // registered late (the tab was still loading)
      expect(told).toBe(1)
      b.release()
    } finally {
      restore()
    }
  })
})
