// How the concepts compose: an action's handler running a transaction bound to its
// controller.signal, and history recording a committed transaction as one step.
import { signal } from '@strata/core'
import { describe, expect, it, vi } from 'vitest'
import { ActionHandlerError, ActionTimeoutError, TransactionAbortedError } from './errors.js'
import { history } from './history/history.js'
import { createActions } from './registry/registry.js'
import { transaction } from './transaction/transaction.js'

describe('actions × transactions × history', () => {
  it('a handler that times out mid-transaction commits nothing, even when it settles later', async () => {
    const late: Error[] = []
    const actions = createActions<{ save: undefined }>({ timeout: 20, onLateError: (e) => late.push(e) })
    const store = signal(0)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    actions.register('save', (_p, c) =>
      transaction(
        async (tx) => {
          await tx.set(store, 1)
          await gate // the server never answers in time
        },
        { signal: c.signal },
      ),
    )
    const r = await actions.dispatchWithResult('save')
    expect(r.error).toBeInstanceOf(ActionTimeoutError)
    release()
    await vi.waitFor(() => expect(late).toHaveLength(1))
    expect(late[0]).toBeInstanceOf(ActionHandlerError)
    expect(late[0]?.cause).toBeInstanceOf(TransactionAbortedError)
    expect(store.peek()).toBe(0)
  })

  it('a committed transaction is one undo step', async () => {
    const doc = signal({ title: 'a', body: '' })
    const h = history(doc)
    await transaction(async (tx) => {
      await tx.update(doc, (d) => ({ ...d, title: 'b' }))
      await tx.update(doc, (d) => ({ ...d, body: 'text' }))
    })
    expect(doc.peek()).toEqual({ title: 'b', body: 'text' })
    h.undo()
    expect(doc.peek()).toEqual({ title: 'a', body: '' })
  })
})
