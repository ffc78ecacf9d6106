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

  it('a throwing target does not skip the rest of its step: every store is reset and the run still runs', async () => {
    const curUser = resettable<string | null>(null)
    const token = resettable<string | null>(null)
    curUser.set('ada')
    token.set('secret')
    let serverLogout = false
    const boom = new Error('cache clear failed')
    const flaky = {
      reset: () => {
        throw boom
      },
    }
    const logout = coordinatedReset({
      name: 'logout',
      steps: {
        auth: {
          reset: [flaky, curUser, token],
          run: () => {
            serverLogout = true
          },
        },
      },
    })
    const err = await logout.run().catch((e: unknown) => e)
    expect([curUser.peek(), token.peek(), serverLogout]).toEqual([null, null, true])
    expect(err).toBeInstanceOf(ResetError)
    expect((err as ResetError).failures).toEqual([{ step: 'auth', error: boom }])
  })

  it('several failures in one step are reported together for that step (AggregateError)', async () => {
    const user = resettable<string | null>(null)
    user.set('ada')
    const flaky = (m: string) => ({
      reset: () => {
        throw new Error(m)
      },
    })
    const logout = coordinatedReset({
      steps: {
        auth: {
          reset: [flaky('a'), user, flaky('b')],
          run: () => Promise.reject(new Error('503')),
        },
      },
    })
    const err = (await logout.run().catch((e: unknown) => e)) as ResetError
    expect(user.peek()).toBe(null)
    expect(err.failures.map((f) => f.step)).toEqual(['auth'])
    const agg = err.failures[0]?.error as AggregateError
    expect(agg).toBeInstanceOf(AggregateError)
    expect(agg.errors.map((e: Error) => e.message)).toEqual(['a', 'b', '503'])
  })

  it('a listener on `running` that throws does not lock the reset out', async () => {
    const u = resettable<string | null>(null)
    u.set('ada')
    const logout = coordinatedReset({ steps: { auth: { reset: [u] } } })
    let n = 0
    logout.running.listen(() => {
      if (n++ === 0) throw new Error('ui glitch')
    })
    await expect(logout.run()).rejects.toThrow('ui glitch')
    expect(logout.running.peek()).toBe(false)
    await expect(logout.run()).resolves.toBeUndefined()
    expect([u.peek(), logout.running.peek()]).toEqual([null, false])
  })

  it('a `running` listener that throws does not stop the logout: every step runs, then its error is thrown', async () => {
    const user = resettable<string | null>(null)
    user.set('ada')
    let serverLogout = false
    const logout = coordinatedReset({
      name: 'logout',
      steps: {
        auth: { reset: [user] },
        server: { dependsOn: ['auth'], run: () => void (serverLogout = true) },
      },
    })
    const glitch = new Error('ui glitch')
    const off = logout.running.listen((on) => {
      if (on) throw glitch
    })
    await expect(logout.run()).rejects.toBe(glitch)
    expect([user.peek(), serverLogout, logout.running.peek()]).toEqual([null, true, false])
    off()
  })

  it('a throwing `running` listener and a failing step: one AggregateError, the ResetError first', async () => {
    const user = resettable<string | null>(null)
    user.set('ada')
    const logout = coordinatedReset({
      name: 'logout',
      steps: {
        auth: { reset: [user] },
        server: { run: () => Promise.reject(new Error('503')) },
      },
    })
    const glitch = new Error('ui glitch')
    const off = logout.running.listen(() => {
      throw glitch
    })
    const err = (await logout.run().catch((e: unknown) => e)) as AggregateError
    off()
    expect(err).toBeInstanceOf(AggregateError)
    // thrown when the flag went up and when it went down: both reported
    expect(err.errors.map((e: unknown) => e?.constructor)).toEqual([ResetError, Error, Error])
    expect((err.errors[0] as ResetError).failures.map((f) => f.step)).toEqual(['server'])
    expect(err.errors.slice(1)).toEqual([glitch, glitch])
    expect([user.peek(), logout.running.peek()]).toEqual([null, false])
  })

  it('unknown or cyclic dependencies are refused when declared', () => {
    expect(() => coordinatedReset({ steps: { a: { dependsOn: ['nope'] } } })).toThrow(ResetCycleError)
    expect(() => coordinatedReset({ steps: { a: { dependsOn: ['b'] }, b: { dependsOn: ['a'] } } })).toThrow(
      /cycle among "a", "b"/,
    )
  })
})
