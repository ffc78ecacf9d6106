// Seed 001 "Transaction-like Operations": transferFunds between accounts, recorded on a server,
// rolled back if recording fails.
// Seed: 78 lines (a transaction store, begin/transfer actions, operations log, manual rollback).
// Strata: 48 lines. `transaction` replaces the hand-made transaction store and its log;
// concurrent transfers touching the same accounts serialise instead of overwriting each other's
// balances (the seed's `oldValue` restore would wipe a concurrent transfer).
import { createActions, transaction } from '@strata/actions'
import { signal } from '@strata/core'
import { z } from 'zod'
import { http, startServer } from './_server.js'

type Accounts = Record<string, { balance: number }>
interface Acts {
  transferFunds: { fromAccount: string; toAccount: string; amount: number }
}

export function createBank(api: string) {
  const accounts = signal<Accounts>({ alice: { balance: 100 }, bob: { balance: 50 } })
  const actions = createActions<Acts>({
    actions: {
      transferFunds: {
        schema: z.object({ fromAccount: z.string(), toAccount: z.string(), amount: z.number().positive() }),
      },
    },
  })
  actions.register('transferFunds', async ({ fromAccount, toAccount, amount }, c) => {
    try {
      await transaction(
        async (tx) => {
          const all = tx.get(accounts)
          const from = all[fromAccount]
          const to = all[toAccount]
          if (!from || !to) return tx.abort('Account not found')
          await tx.update(accounts, (a) => {
            if ((a[fromAccount]?.balance ?? 0) < amount) tx.abort('Insufficient funds')
            return {
              ...a,
              [fromAccount]: { balance: (a[fromAccount]?.balance ?? 0) - amount },
              [toAccount]: { balance: (a[toAccount]?.balance ?? 0) + amount },
            }
          })
          await http(`${api}/transactions`, {
            method: 'POST',
            body: { fromAccount, toAccount, amount },
            signal: tx.signal,
          })
        },
        { signal: c.signal },
      )
    } catch (error) {
      const reason = (error as { reason?: unknown }).reason
      c.abort(typeof reason === 'string' ? reason : `Transaction failed: ${(error as Error).message}`)
    }
  })
  return { accounts, actions }
}

export function startLedger() {
  return startServer({
    'POST /transactions': async ({ body }) => {
      await new Promise((r) => setTimeout(r, 10)) // a slow ledger makes transfers overlap
      return (body as { amount: number }).amount === 13
        ? { status: 500, body: { message: 'ledger rejected 13' } }
        : { status: 201, body: { ok: true } }
    },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startLedger()
  try {
    const bank = createBank(server.url)
    const t = (fromAccount: string, toAccount: string, amount: number) =>
      bank.actions.dispatchWithResult('transferFunds', { fromAccount, toAccount, amount })
    // Five transfers at once, one of which the ledger rejects.
    const results = await Promise.all([
      t('alice', 'bob', 10),
      t('bob', 'alice', 5),
      t('alice', 'bob', 13),
      t('alice', 'bob', 20),
      t('bob', 'alice', 1),
    ])
    const insufficient = await t('bob', 'alice', 1000)
    const unknown = await t('carol', 'alice', 1)
    log(
      'balances:',
      bank.accounts.get(),
      'outcomes:',
      results.map((r) => r.abortReason ?? 'ok'),
    )
    return { accounts: bank.accounts.get(), results, insufficient, unknown }
  } finally {
    await server.close()
  }
}
