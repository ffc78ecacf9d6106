// Type tests: each `@ts-expect-error` line must keep failing to compile (checked by
// `npm run typecheck`). Wrong payloads, results, states and events are compile errors.
import { signal } from '@strata/core'
import { z } from 'zod'
import { createMachine } from './machine/machine.js'
import { sessionRecovery } from './recovery/session-recovery.js'
import { createActions } from './registry/registry.js'
import { transaction } from './transaction/transaction.js'

interface Acts {
  rename: { name: string }
  logout: undefined
  add: { n: number }
}
const actions = createActions<Acts, { add: number }>({
  actions: {
    rename: { schema: z.object({ name: z.string() }) },
    // @ts-expect-error the schema's output must match the action's payload type
    add: { schema: z.object({ n: z.string() }) },
  },
})

actions.register('rename', (p) => void p.name.toUpperCase())
// @ts-expect-error payload of 'rename' has no `id`
actions.register('rename', (p) => void p.id)
// @ts-expect-error 'add' results are numbers
actions.register('add', () => 'text')
actions.register('add', (p, c) => c.return(p.n))
// @ts-expect-error controller.return takes the action's result type
actions.register('add', (_p, c) => c.return('x'))
// @ts-expect-error unknown action name
actions.register('nope', () => undefined)

void actions.dispatch('rename', { name: 'Ada' })
// @ts-expect-error wrong payload type for 'rename'
void actions.dispatch('rename', { name: 42 })
// @ts-expect-error missing payload for 'rename'
void actions.dispatch('rename')
void actions.dispatch('logout')
// @ts-expect-error unknown action
void actions.dispatch('logut')
void actions.dispatchWithResult('add', { n: 1 }).then((r) => {
  const n: number | undefined = r.result
  // @ts-expect-error result of 'add' is a number
  const s: string | undefined = r.result
  return [n, s]
})
actions.register('rename', async (_p, c) => {
  await c.dispatch('add', { n: 1 })
  // @ts-expect-error nested dispatch is typed too
  await c.dispatch('add', { n: '1' })
})

const count = signal(0)
void transaction(async (tx) => {
  await tx.set(count, 1)
  // @ts-expect-error a number store takes numbers
  await tx.set(count, 'one')
  // @ts-expect-error update must return the store's type
  await tx.update(count, (n) => `${n}`)
})

type Ev = { type: 'GO' } | { type: 'SET'; value: number }
const m = createMachine<'a' | 'b', Ev, { value: number }>({
  initial: 'a',
  context: { value: 0 },
  states: {
    a: { on: { GO: 'b' } },
    b: { on: { SET: { target: 'b', assign: (c, e) => ({ ...c, value: e.value }) } } },
  },
})
m.send({ type: 'SET', value: 1 })
// @ts-expect-error SET needs a value
m.send({ type: 'SET' })
// @ts-expect-error unknown event
m.send({ type: 'STOP' })
// @ts-expect-error unknown state
m.matches('c')
createMachine<'a' | 'b', Ev, null>({
  initial: 'a',
  context: null,
  // @ts-expect-error every state must be described
  states: { a: { on: { GO: 'b' } } },
})

const step = signal(0)
sessionRecovery({
  key: 'k',
  storage: { getItem: () => null, setItem: () => undefined, removeItem: () => undefined },
  // @ts-expect-error the stores' value types must match what the schema produces
  stores: { step },
  schema: z.object({ step: z.string() }),
})
