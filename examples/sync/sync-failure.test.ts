import { describe, expect, it } from 'vitest'
import { main } from './sync-failure.js'

describe('seed 004: sync failure leaves local data usable and shows the error', () => {
  it('works offline, shows the error, and syncs after the server is back', async () => {
    const lines: string[] = []
    const out = await main((...args) =>
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
    )
    expect(out.errorShown).toMatch(/sync (connection|server error)/)
    expect(out.localWhileDown).toEqual(['Offline work, edited'])
    expect(out.pendingWhileDown).toBe(2)
    expect(out.onPhone).toEqual(['Offline work, edited'])
    expect(out.errorAfter).toBeNull()
    expect(out.statusLine).toContain('offline · 2 pending · error: connection')
    expect(out.statusLine[out.statusLine.length - 1]).toBe('online · 0 pending · no error')
    // The seed's isSyncing and lastSyncedAt: syncing was shown while catching up and is
    // off at the end; the last sync time moved forward with the recovery.
    expect(out.syncingSeen).toContain(true)
    // The seed logs the failure and the recovery; so does the example, from the status stores.
    expect(lines).toContain('[laptop status] offline · 2 pending · error: connection')
    expect(lines).toContain('[laptop] while down: ["Offline work, edited"] 2 pending')
    expect(lines[lines.length - 1]).toBe('[phone] after recovery: ["Offline work, edited"]')
    expect(out.syncingAfter).toBe(false)
    expect(out.lastSyncedBefore).toEqual(expect.any(Number))
    expect(out.lastSyncedAfter!).toBeGreaterThan(out.lastSyncedBefore!)
  })
})
