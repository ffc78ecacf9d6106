// Seed 002 "Finite State Machine": idle → loading → success | error, with retry.
// Seed: 81 lines (switch-based send + an effect doing the fetch + JSX). Strata: 48 lines.
// Transitions are a typed table; an event that does not apply (a late SUCCESS after RETRY) is an
// InvalidTransitionError instead of being silently dropped; retries are bounded by a guard; the
// fetch goes to a real server.
import { createMachine } from '@strata/actions'
import { effect } from '@strata/core'
import { http, startServer } from './_server.js'

type Event =
  | { type: 'FETCH' }
  | { type: 'SUCCESS'; data: string[] }
  | { type: 'ERROR'; error: string }
  | { type: 'RETRY' }
type State = 'idle' | 'loading' | 'success' | 'error'
interface Context {
  data: string[] | null
  error: string | null
  attempts: number
}

export function createFetchMachine(url: string) {
  const machine = createMachine<State, Event, Context>({
    name: 'orders',
    initial: 'idle',
    context: { data: null, error: null, attempts: 0 },
    states: {
      idle: { on: { FETCH: { target: 'loading', assign: (c) => ({ ...c, attempts: c.attempts + 1 }) } } },
      loading: {
        on: {
          SUCCESS: { target: 'success', assign: (c, e) => ({ ...c, data: e.data, error: null }) },
          ERROR: { target: 'error', assign: (c, e) => ({ ...c, error: e.error }) },
        },
      },
      success: { on: { FETCH: 'loading' } },
      error: {
        on: {
          RETRY: {
            target: 'loading',
            guard: (c) => c.attempts < 3,
            assign: (c) => ({ ...c, attempts: c.attempts + 1 }),
          },
        },
      },
    },
  })
  // Entering `loading` starts the request; its answer is an event.
  const stop = effect(() => {
    if (!machine.matches('loading')) return
    http<string[]>(url).then(
      (data) => machine.send({ type: 'SUCCESS', data }),
      (e: unknown) => machine.send({ type: 'ERROR', error: (e as Error).message }),
    )
  })
  return { machine, stop }
}

const settled = (m: ReturnType<typeof createFetchMachine>['machine']) =>
  new Promise<void>((resolve) => {
    const off = m.listen((s) => {
      if (s.state !== 'loading') {
        off()
        resolve()
      }
    })
  })

export async function main(log: (...args: unknown[]) => void) {
  let failuresLeft = 1
  const server = await startServer({
    'GET /orders': () =>
      failuresLeft-- > 0 ? { status: 503, body: { message: 'busy' } } : { body: ['order-1', 'order-2'] },
  })
  try {
    const { machine, stop } = createFetchMachine(`${server.url}/orders`)
    const states: State[] = []
    machine.subscribe((s) => states.push(s.state))
    machine.send({ type: 'FETCH' })
    await settled(machine)
    machine.send({ type: 'RETRY' })
    await settled(machine)
    let invalid: unknown
    try {
      machine.send({ type: 'RETRY' }) // not valid in `success`
    } catch (e) {
      invalid = e
    }
    stop()
    log('states:', states.join(' → '), 'data:', machine.get().context.data)
    return { states, snapshot: machine.get(), invalid }
  } finally {
    await server.close()
  }
}
