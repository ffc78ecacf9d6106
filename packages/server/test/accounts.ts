// A store schema whose materializers refuse things a payload schema cannot see: a
// duplicate account, a deposit to a missing account, an overdraft. Shared by the
// materializer dry-run tests (decision 0059).
import { Column, Events, makeSchema, table } from '@strata/store'
import { z } from 'zod'

export const accounts = table('accounts', {
  id: Column.text({ primaryKey: true }),
  balance: Column.integer(),
})

export const opened = Events.synced({ name: 'v1.AccountOpened', schema: z.object({ id: z.string() }) })
export const deposited = Events.synced({
  name: 'v1.Deposited',
  schema: z.object({ id: z.string(), amount: z.number().int().positive() }),
})
export const withdrawn = Events.synced({
  name: 'v1.Withdrawn',
  schema: z.object({ id: z.string(), amount: z.number().int().positive() }),
})
export const closed = Events.synced({ name: 'v1.AccountClosed', schema: z.object({ id: z.string() }) })

export const schema = makeSchema({
  events: { opened, deposited, withdrawn, closed },
  tables: { accounts },
  materializers: {
    // insert throws on a duplicate primary key
    'v1.AccountOpened': ({ id }, db) => db.insert(accounts, { id, balance: 0 }),
    'v1.Deposited': ({ id, amount }, db) => {
      const a = db.get(accounts, id)
      if (!a) throw new Error(`no open account ${id}`)
      db.update(accounts, { id }, { balance: a.balance + amount })
    },
    'v1.Withdrawn': ({ id, amount }, db) => {
      const a = db.get(accounts, id)
      if (!a) throw new Error(`no open account ${id}`)
      if (a.balance < amount) throw new Error(`insufficient funds in ${id}: ${a.balance} < ${amount}`)
      db.update(accounts, { id }, { balance: a.balance - amount })
    },
    'v1.AccountClosed': ({ id }, db) => {
      db.delete(accounts, { id })
    },
  },
})

/** A raw pushed event of this schema. */
export const ev = (clientId: string, seq: number, name: string, args: Record<string, unknown>) => ({
  name,
  args,
  clientId,
  seq,
})
