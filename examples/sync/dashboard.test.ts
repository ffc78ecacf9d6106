import { describe, expect, it } from 'vitest'
import { main } from './dashboard.js'

describe('seed 004: dashboard loads local first, syncs in the background', () => {
  it('shows local projects before the sync and the other device project after it', async () => {
    const lines: string[] = []
    const out = await main((...args) =>
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
    )
    expect(out.instant).toEqual(['Docs site', 'My app'])
    expect(out.afterSync).toEqual(['Docs site', 'From phone', 'My app'])
    // The UI rendered the local list first, then the synced one — never an empty list.
    expect(out.renders[0]).toEqual(['Docs site', 'My app'])
    expect(out.renders.every((r) => r.length >= 2)).toBe(true)
    expect(out.renders[out.renders.length - 1]).toEqual(out.afterSync)
    // The seed's console trail ([Dashboard] loading / syncing / completed), in order.
    expect(lines[0]).toMatch(
      /^\[Dashboard\] loaded 2 projects from the local store in [\d.]+ ms: \["Docs site","My app"\]$/,
    )
    const status = lines.filter((l) => l.startsWith('[Dashboard] sync:'))
    expect(status.some((l) => l.includes('online'))).toBe(true)
    expect(status[status.length - 1]).toBe('[Dashboard] sync: online, 0 pending')
    expect(lines[lines.length - 1]).toBe(
      '[Dashboard] after background sync: ["Docs site","From phone","My app"]',
    )
  })
})
