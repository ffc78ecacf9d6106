// Under Node there are no Web Locks: every opener leads its own copy. The multi-tab
// behaviour (replica, refusal, promotion) runs in Chromium: test/browser.test.ts.
import { describe, expect, it } from 'vitest'
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
