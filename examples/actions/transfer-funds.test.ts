import { describe, expect, it } from 'vitest'
import { main } from './transfer-funds.js'

describe('transferFunds (seed 001)', () => {
  it('concurrent transfers all apply except the rejected one, which leaves no trace', async () => {
    const out = await main(() => undefined)
    expect(out.results.map((r) => r.success)).toEqual([true, true, false, true, true])
    expect(out.results[2]?.abortReason).toBe('Transaction failed: ledger rejected 13')
    // alice: 100 - 10 + 5 - 20 + 1 = 76; bob: 50 + 10 - 5 + 20 - 1 = 74 — money is conserved
    expect(out.accounts).toEqual({ alice: { balance: 76 }, bob: { balance: 74 } })
    expect(out.insufficient.abortReason).toBe('Insufficient funds')
    expect(out.unknown.abortReason).toBe('Account not found')
  })
})
