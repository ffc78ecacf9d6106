import { computed, effect, signal } from '@strata/core'
import { describe, expect, it } from 'vitest'
import {
  CompensationError,
  TransactionAbortedError,
  TransactionClosedError,
  TransactionConflictError,
  TransactionDeadlockError,
} from '../errors.js'
import { isLocked } from './locks.js'
import { type Tx, transaction } from './transaction.js'

const tick = () => new Promise((r) => setTimeout(r, 1))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** `p`, or 'TIMEOUT' if it has not settled within `ms`. */
const within = <T>(p: Promise<T>, ms = 200) =>
  Promise.race([p, new Promise<'TIMEOUT'>((r) => setTimeout(() => r('TIMEOUT'), ms))])

function watched<T>(initial: T) {
  const store = signal(initial)
  const seen: T[] = []
  store.listen((v) => seen.push(v))
  return { store, seen }
}

describe('transaction', () => {
  it('commits every written store together; each observer sees the committed result once', async () => {
    const a = watched(1)
    const b = watched('x')
    const sum = computed(() => `${a.store.get()}${b.store.get()}`)
    const sums: string[] = []
    const stop = effect(() => void sums.push(sum.get()))
    const result = await transaction(async (tx) => {
      await tx.set(a.store, 2)
      await tick()
      await tx.update(a.store, (n) => n + 1)
      await tx.update(b.store, (s) => `${s}y`)
      expect(tx.get(a.store)).toBe(3)
      expect(a.store.peek()).toBe(1) // nothing visible before commit
      return 'done'
    })
    stop()
    expect(result).toBe('done')
    expect([a.store.peek(), b.store.peek()]).toEqual([3, 'xy'])
    expect(a.seen).toEqual([3])
    expect(b.seen).toEqual(['xy'])
    expect(sums).toEqual(['1x', '3xy'])
    expect(isLocked(a.store)).toBe(false)
  })

  it('a throw after awaits restores every written store: observers saw nothing', async () => {
    const a = watched({ n: 1 })
    const b = watched([1, 2])
    const original = a.store.peek()
    const err = await transaction(async (tx) => {
      await tx.set(a.store, { n: 2 })
      await tick()
      await tx.update(b.store, (l) => [...l, 3])
      await tick()
      throw new Error('payment declined')
    }).catch((e: unknown) => e)
    expect((err as Error).message).toBe('payment declined')
    expect(a.store.peek()).toBe(original)
    expect(b.store.peek()).toEqual([1, 2])
    expect(a.seen).toEqual([])
    expect(b.seen).toEqual([])
    expect(isLocked(a.store) || isLocked(b.store)).toBe(false)
  })

  it('tx.abort and an outer signal roll back with TransactionAbortedError', async () => {
    const a = watched(0)
    await expect(
      transaction(async (tx) => {
        await tx.set(a.store, 1)
        tx.abort('cart is empty')
      }),
    ).rejects.toMatchObject({ code: 'TRANSACTION_ABORTED', reason: 'cart is empty' })
    const ac = new AbortController()
    const running = transaction(
      async (tx) => {
        await tx.set(a.store, 2)
        ac.abort('handler timed out')
        await tick()
      },
      { signal: ac.signal },
    )
    await expect(running).rejects.toBeInstanceOf(TransactionAbortedError)
    expect(a.store.peek()).toBe(0)
    expect(a.seen).toEqual([])
  })

  it('compensations run in reverse order on failure and not on success', async () => {
    const ran: string[] = []
    await transaction(async (tx) => {
      tx.onRollback(() => void ran.push('never'))
    })
    await expect(
      transaction(async (tx) => {
        tx.onRollback(() => void ran.push('release inventory'))
        tx.onRollback(async () => void ran.push('refund payment'))
        throw new Error('confirmation failed')
      }),
    ).rejects.toThrow('confirmation failed')
    expect(ran).toEqual(['refund payment', 'release inventory'])
  })

  it('failing compensations are reported in a CompensationError, all still run', async () => {
    const ran: string[] = []
    const err = await transaction(async (tx) => {
      tx.onRollback(() => void ran.push('first'))
      tx.onRollback(() => {
        throw new Error('refund failed')
      })
      tx.onRollback(() => void ran.push('third'))
      throw new Error('boom')
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CompensationError)
    expect((err as CompensationError).cause).toEqual(new Error('boom'))
    expect((err as CompensationError).errors).toEqual([new Error('refund failed')])
    expect(ran).toEqual(['third', 'first'])
  })

  it('concurrent transactions on the same store serialise: no lost update', async () => {
    const counter = watched(0)
    const bump = () =>
      transaction(async (tx) => {
        await tx.update(counter.store, (n) => n + 1)
        await tick()
        await tx.update(counter.store, (n) => n + 1)
      })
    await Promise.all([bump(), bump(), bump(), bump()])
    expect(counter.store.peek()).toBe(8)
    expect(counter.seen).toEqual([2, 4, 6, 8])
  })

  it('a failing transaction does not disturb a concurrent one waiting on the same store', async () => {
    const s = watched(10)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const failing = transaction(async (tx) => {
      await tx.set(s.store, 999)
      await gate
      throw new Error('nope')
    })
    const ok = transaction(async (tx) => {
      await tx.update(s.store, (n) => n + 1)
    })
    release()
    await expect(failing).rejects.toThrow('nope')
    await ok
    expect(s.store.peek()).toBe(11)
    expect(s.seen).toEqual([11])
  })

  it('a wait that would deadlock fails the transaction that closes the cycle; the other commits', async () => {
    const a = signal(0)
    const b = signal(0)
    let aHeld!: () => void
    const heldA = new Promise<void>((r) => (aHeld = r))
    let bHeld!: () => void
    const heldB = new Promise<void>((r) => (bHeld = r))
    const t1 = transaction(async (tx) => {
      await tx.set(a, 1)
      aHeld()
      await heldB
      await tx.set(b, 1)
    })
    const t2 = transaction(async (tx) => {
      await tx.set(b, 2)
      bHeld()
      await heldA
      await tick()
      await tx.set(a, 2)
    })
    const [r1, r2] = await Promise.allSettled([t1, t2])
    expect(r1.status).toBe('fulfilled')
    expect(r2.status === 'rejected' && r2.reason).toBeInstanceOf(TransactionDeadlockError)
    expect([a.peek(), b.peek()]).toEqual([1, 1])
  })

  it('a write from outside any transaction while it holds the store is a conflict: nothing applied', async () => {
    const a = signal(1)
    const b = signal(1)
    const err = await transaction(async (tx) => {
      await tx.set(a, 2)
      await tx.set(b, 2)
      a.set(50) // someone else, not transactional
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransactionConflictError)
    expect([a.peek(), b.peek()]).toEqual([50, 1])
  })

  it('a store that refuses its value at commit rolls back the ones already applied', async () => {
    const good = watched(1)
    const picky = signal(1)
    const refusing = {
      ...picky,
      get: () => picky.get(),
      peek: () => picky.peek(),
      subscribe: picky.subscribe.bind(picky),
      listen: picky.listen.bind(picky),
      update: picky.update.bind(picky),
      set: (v: number) => {
        if (v < 0) throw new RangeError('negative')
        picky.set(v)
      },
    }
    await expect(
      transaction(async (tx) => {
        await tx.set(good.store, 2)
        await tx.set(refusing, -1)
      }),
    ).rejects.toThrow('negative')
    expect(good.store.peek()).toBe(1)
    expect(picky.peek()).toBe(1)
  })

  it('writes after the transaction finished are refused', async () => {
    const a = signal(0)
    let saved!: Tx
    await transaction((tx) => {
      saved = tx
    })
    await expect(saved.set(a, 1)).rejects.toBeInstanceOf(TransactionClosedError)
    expect(a.peek()).toBe(0)
  })

  it('an un-awaited write that fails still fails the transaction', async () => {
    const a = signal(0)
    const b = signal(0)
    await expect(
      transaction((tx) => {
        void tx.set(b, 1)
        void tx.update(a, () => {
          throw new Error('bad update')
        })
      }),
    ).rejects.toThrow('bad update')
    expect([a.peek(), b.peek()]).toEqual([0, 0])
  })

  it('an un-awaited write still commits', async () => {
    const a = signal(0)
    await transaction((tx) => {
      void tx.set(a, 5)
    })
    expect(a.peek()).toBe(5)
  })

  it('a listener that throws at commit: the commit stands, no compensation runs, the error is re-thrown', async () => {
    const balance = signal(100)
    const listenerError = new Error('unrelated UI listener failed')
    balance.listen(() => {
      throw listenerError
    })
    let compensated = false
    const err = await transaction(async (tx) => {
      await tx.set(balance, 0)
      tx.onRollback(() => {
        compensated = true // e.g. a refund: must not run for a transfer that stands
      })
    }).catch((e: unknown) => e)
    expect(err).toBe(listenerError) // as `balance.set(0)` would throw it (decision 0003)
    expect(balance.peek()).toBe(0)
    expect(compensated).toBe(false)
    expect(isLocked(balance)).toBe(false)
    await transaction(async (tx) => {
      await tx.set(balance, 5)
    }).catch(() => {})
    expect(balance.peek()).toBe(5)
  })

  it('a waiter aborted in the tick its lock is handed to it passes the lock on', async () => {
    const s = signal(0)
    const ac = new AbortController()
    const a = transaction(async (tx) => {
      await tx.set(s, 1)
      await sleep(5)
      tx.onRollback(() => ac.abort('cancelled by A')) // runs right after A released s to B
      throw new Error('A failed')
    }).catch(() => 'A rejected')
    const b = transaction(
      async (tx) => {
        await tx.set(s, 2)
      },
      { signal: ac.signal },
    ).catch(() => 'B rejected')
    expect([await a, await b]).toEqual(['A rejected', 'B rejected'])
    expect(isLocked(s)).toBe(false)
    const c = transaction(async (tx) => {
      await tx.set(s, 3)
    })
    expect(await within(c)).not.toBe('TIMEOUT')
    expect(s.peek()).toBe(3)
  })

  it('several un-awaited writes to a store another transaction holds apply in order once it is free', async () => {
    const s = signal(0)
    const a = transaction(async (tx) => {
      await tx.set(s, 1)
      await sleep(5)
    })
    const b = transaction((tx) => {
      void tx.update(s, (v) => v + 10)
      void tx.update(s, (v) => v + 100)
    })
    await a
    expect(await within(b)).not.toBe('TIMEOUT')
    expect(s.peek()).toBe(111)
    expect(isLocked(s)).toBe(false)
  })

  it('a deadlock is detected when the other transaction waits on two stores at once', async () => {
    const s1 = signal(0)
    const s2 = signal(0)
    const s3 = signal(0)
    let open!: () => void
    const gate = new Promise<void>((r) => (open = r))
    const b = transaction(async (tx) => {
      await tx.set(s2, 1)
      await gate
      await tx.set(s1, 1) // waits for A, which waits for s2 (held here) and s3
    }).catch((e: Error) => e)
    const c = transaction(async (tx) => {
      await tx.set(s3, 1)
      await sleep(20)
    })
    const a = transaction(async (tx) => {
      await tx.set(s1, 2)
      open()
      await Promise.all([tx.set(s2, 2), tx.set(s3, 2)])
      return 'A committed'
    })
    await c
    const settled = await within(Promise.all([a, b]), 300)
    expect(settled).not.toBe('TIMEOUT')
    const [ra, rb] = settled as [string, unknown]
    expect(ra).toBe('A committed')
    expect(rb).toBeInstanceOf(TransactionDeadlockError)
    expect([s1.peek(), s2.peek(), s3.peek()]).toEqual([2, 2, 2])
  })

  it('a deadlock is detected through a transaction queued ahead on the lock, not only its holder', async () => {
    const s = signal(0)
    const r = signal(0)
    let openT2!: () => void
    const gateT2 = new Promise<void>((res) => (openT2 = res))
    let t1Queued!: () => void
    const t1QueuedP = new Promise<void>((res) => (t1Queued = res))
    const t2 = transaction(async (tx) => {
      await tx.set(s, 2)
      await gateT2
    })
    const t3 = transaction(async (tx) => {
      await tx.set(r, 3)
      await t1QueuedP
      await tx.set(s, 3) // behind T2 (holder) AND T1 (queued, waiting for r held here)
    }).catch((e: unknown) => e)
    await sleep(1)
    const t1 = transaction(async (tx) => {
      const both = Promise.all([tx.set(s, 1), tx.set(r, 1)])
      t1Queued()
      await both
    }).catch((e: unknown) => e)
    await sleep(5)
    openT2()
    await t2
    const settled = await within(Promise.all([t1, t3]), 300)
    expect(settled).not.toBe('TIMEOUT')
    expect((settled as unknown[]).some((x) => x instanceof TransactionDeadlockError)).toBe(true)
    expect(isLocked(s) || isLocked(r)).toBe(false)
  })
})
