import { effect } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { ResetCycleError, ResetError, ResetInProgressError } from '../errors.js'
import { coordinatedReset } from './coordinated-reset.js'
import { resettable } from './resettable.js'

describe('resettable', () => {
  it('resets to its initial value and behaves as a store', () => {
    const s = resettable<string[]>([])
    const seen: string[][] = []
    s.subscribe((v) => seen.push(v))
    s.set(['a'])
    s.update((l) => [...l, 'b'])
    s.reset()
    expect(s.peek()).toEqual([])
    expect(seen).toEqual([[], ['a'], ['a', 'b'], []])
  })
})

describe('coordinatedReset', () => {
  it('runs steps in dependency order (declaration order otherwise) and resets their stores', async () => {
    const user = resettable<string | null>(null)
    const team = resettable<string | null>(null)
    user.set('ada')
    team.set('t1')
    const ran: string[] = []
    const r = coordinatedReset({
      steps: {
        cache: { dependsOn: ['billing', 'team'], run: () => void ran.push('cache') },
        billing: { dependsOn: ['auth', 'team'], run: () => void ran.push('billing') },
        team: { dependsOn: ['auth'], reset: [team], run: () => void ran.push(`team(user=${user.peek()})`) },
        auth: { reset: [user], run: () => void ran.push('auth') },
      },
    })
    expect(r.order).toEqual(['auth', 'team', 'billing', 'cache'])
    await r.run()
    expect(ran).toEqual(['auth', 'team(user=null)', 'billing', 'cache'])
    expect([user.peek(), team.peek()]).toEqual([null, null])
  })

  it('the running flag is true during the run and blocks re-entry', async () => {
    let release!: () => void
    const r = coordinatedReset({
      name: 'logout',
      steps: { server: { run: () => new Promise<void>((res) => (release = res)) } },
    })
    const flags: boolean[] = []
    const stop = effect(() => void flags.push(r.running.get()))
    const first = r.run()
    await expect(r.run()).rejects.toBeInstanceOf(ResetInProgressError)
    release()
    await first
    stop()
    expect(flags).toEqual([false, true, false])
  })

  it('a failing step does not stop the others and is reported', async () => {
    const user = resettable('ada')
    const cache = resettable({ a: 1 } as Record<string, number>)
    user.set('bob')
    cache.set({})
    const r = coordinatedReset({
      name: 'logout',
      steps: {
        auth: { reset: [user] },
        server: {
          dependsOn: ['auth'],
          run: () => {
            throw new Error('503')
          },
        },
        cache: { dependsOn: ['server'], reset: [cache] },
      },
    })
    const err = await r.run().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ResetError)
    expect((err as ResetError).failures).toEqual([{ step: 'server', error: new Error('503') }])
    expect([user.peek(), cache.peek()]).toEqual(['ada', { a: 1 }])
    expect(r.running.peek()).toBe(false)
  })

  it('unknown or cyclic dependencies are refused when declared', () => {
    expect(() => coordinatedReset({ steps: { a: { dependsOn: ['nope'] } } })).toThrow(ResetCycleError)
    expect(() => coordinatedReset({ steps: { a: { dependsOn: ['b'] }, b: { dependsOn: ['a'] } } })).toThrow(
      /cycle among "a", "b"/,
    )
  })
})
