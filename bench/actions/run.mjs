#!/usr/bin/env node
// `npm run bench:actions`: what the action pipeline and transactions cost compared with the
// hand-written code they replace (seed 001 calls handlers directly and snapshots/restores by
// hand). Imports the BUILT packages (`npm run build` first). Several rounds per case, medians;
// prints a ratio table and writes bench/results/actions.json and bench/RESULTS-actions.md.
import { writeFileSync } from 'node:fs'
import { createActions, transaction } from '@strata/actions'
import { batch, signal } from '@strata/core'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const QUICK = process.env.QUICK === '1'
const N_DISPATCH = QUICK ? 2_000 : 50_000
const N_TX = QUICK ? 500 : 10_000

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function measure(n, fn) {
  await fn(Math.min(n, 500)) // warm-up (JIT)
  const times = []
  for (let r = 0; r < ROUNDS; r++) {
    // CPU time of this process (user + system, µs), not wall time: the benchmark machine is
    // shared, and wall time mostly measured the other processes.
    const c0 = process.cpuUsage()
    await fn(n)
    const c = process.cpuUsage(c0)
    times.push(((c.user + c.system) * 1e3) / n) // ns per op
  }
  return median(times)
}

// ---- dispatch overhead ----------------------------------------------------------------
function handlers(count, sink) {
  return Array.from({ length: count }, (_, i) => (p) => {
    sink.value += p.n + i
  })
}

async function dispatchCase(count) {
  const sink = { value: 0 }
  const hs = handlers(count, sink)
  const actions = createActions()
  for (const h of hs) actions.register('work', h)
  const payload = { n: 1 }
  const direct = await measure(N_DISPATCH, async (n) => {
    for (let i = 0; i < n; i++) for (const h of hs) h(payload)
  })
  const directAwait = await measure(N_DISPATCH, async (n) => {
    for (let i = 0; i < n; i++) for (const h of hs) await h(payload)
  })
  const dispatch = await measure(N_DISPATCH, async (n) => {
    for (let i = 0; i < n; i++) await actions.dispatch('work', payload)
  })
  const withResult = await measure(N_DISPATCH, async (n) => {
    for (let i = 0; i < n; i++) await actions.dispatchWithResult('work', payload)
  })
  if (sink.value === 0) throw new Error('handlers did not run')
  return {
    handlers: count,
    directNs: direct,
    directAwaitNs: directAwait,
    dispatchNs: dispatch,
    dispatchWithResultNs: withResult,
  }
}

// ---- transactions ----------------------------------------------------------------------
function stores() {
  const s = [signal(0), signal({ items: [] }), signal('x')]
  let notified = 0
  for (const st of s) st.listen(() => notified++)
  return { s, notified: () => notified }
}

async function commitCase() {
  const strata = stores()
  const hand = stores()
  const txNs = await measure(N_TX, async (n) => {
    for (let i = 0; i < n; i++)
      await transaction(async (tx) => {
        await tx.update(strata.s[0], (v) => v + 1)
        await tx.set(strata.s[1], { items: [i] })
        await tx.set(strata.s[2], `v${i}`)
      })
  })
  const handNs = await measure(N_TX, async (n) => {
    for (let i = 0; i < n; i++) {
      const [a, b, c] = hand.s
      const snapshot = [a.peek(), b.peek(), c.peek()]
      try {
        await (async () => {
          batch(() => {
            a.set(a.peek() + 1)
            b.set({ items: [i] })
            c.set(`v${i}`)
          })
        })()
      } catch (e) {
        batch(() => {
          a.set(snapshot[0])
          b.set(snapshot[1])
          c.set(snapshot[2])
        })
        throw e
      }
    }
  })
  if (strata.s[0].peek() !== hand.s[0].peek()) throw new Error('commit results differ')
  return { case: 'commit', strataNs: txNs, handNs }
}

async function rollbackCase() {
  const strata = stores()
  const hand = stores()
  const boom = new Error('boom')
  const txNs = await measure(N_TX, async (n) => {
    for (let i = 0; i < n; i++) {
      try {
        await transaction(async (tx) => {
          await tx.update(strata.s[0], (v) => v + 1)
          await tx.set(strata.s[1], { items: [i] })
          await tx.set(strata.s[2], `v${i}`)
          throw boom
        })
      } catch {}
    }
  })
  const handNs = await measure(N_TX, async (n) => {
    for (let i = 0; i < n; i++) {
      const [a, b, c] = hand.s
      const snapshot = [a.peek(), b.peek(), c.peek()]
      try {
        a.set(a.peek() + 1)
        b.set({ items: [i] })
        c.set(`v${i}`)
        await Promise.resolve()
        throw boom
      } catch {
        batch(() => {
          a.set(snapshot[0])
          b.set(snapshot[1])
          c.set(snapshot[2])
        })
      }
    }
  })
  if (strata.s[0].peek() !== 0 || hand.s[0].peek() !== 0) throw new Error('rollback did not restore')
  if (strata.notified() !== 0) throw new Error('strata observers saw a rolled-back transaction')
  return { case: 'rollback', strataNs: txNs, handNs, handNotifications: hand.notified() }
}

const dispatch = []
for (const count of [1, 5]) dispatch.push(await dispatchCase(count))
const tx = [await commitCase(), await rollbackCase()]

const f = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)
const x = (a, b) => `${(a / b).toFixed(1)}×`
const date = new Date().toISOString()
const rows = [
  '| case | Strata | hand-written | ratio (Strata / hand) | overhead per handler |',
  '|---|---:|---:|---:|---:|',
]
for (const d of dispatch) {
  rows.push(
    `| dispatch, ${d.handlers} sync handler(s) vs direct call | ${f(d.dispatchNs)} | ${f(d.directNs)} | ${x(d.dispatchNs, d.directNs)} | ${f((d.dispatchNs - d.directNs) / d.handlers)} |`,
    `| dispatch, ${d.handlers} sync handler(s) vs \`await\` direct call | ${f(d.dispatchNs)} | ${f(d.directAwaitNs)} | ${x(d.dispatchNs, d.directAwaitNs)} | ${f((d.dispatchNs - d.directAwaitNs) / d.handlers)} |`,
    `| dispatchWithResult, ${d.handlers} handler(s) vs \`await\` direct call | ${f(d.dispatchWithResultNs)} | ${f(d.directAwaitNs)} | ${x(d.dispatchWithResultNs, d.directAwaitNs)} | ${f((d.dispatchWithResultNs - d.directAwaitNs) / d.handlers)} |`,
  )
}
for (const t of tx)
  rows.push(
    `| transaction ${t.case}, 3 stores vs snapshot/restore by hand | ${f(t.strataNs)} | ${f(t.handNs)} | ${x(t.strataNs, t.handNs)} | — |`,
  )
const table = rows.join('\n')
console.log(table)

const json = {
  date,
  node: process.version,
  rounds: ROUNDS,
  quick: QUICK,
  nDispatch: N_DISPATCH,
  nTx: N_TX,
  dispatch,
  transactions: tx,
}
const md = `# @strata/actions benchmark

Run ${date.slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, \`npm run bench:actions\` (${ROUNDS} rounds, median; ${N_DISPATCH} dispatches / ${N_TX} transactions per round).

CPU time per operation (lower is better; process user+system time, so other load on the machine counts less). Ratio = Strata's time / the hand-written code's time (above 1 means Strata costs more).

${table}

## What is measured

- **dispatch**: one action with 1 or 5 registered handlers, each a tiny synchronous function, dispatched
  in a loop and awaited, against calling the same functions directly (plain and with \`await\`, since a
  dispatch is always asynchronous). The dispatch includes the registry lookup, the controller per
  handler, timeout bookkeeping, the result report and the loop-depth check.
- **transaction commit**: \`transaction\` writing 3 stores (each with a listener), against hand-written
  snapshot + writes in one \`batch\` + try/catch restore (seed 001 \`complexUpdate\`).
- **transaction rollback**: the same with the body throwing after the writes. Strata never applied the
  writes, so its listeners ran 0 times; the hand-written version applied and restored them, so its
  listeners ran ${tx[1].handNotifications} times — the observable difference the price buys.
- Every run verifies its result (handlers ran, stores restored, no Strata notification on rollback).
`
if (!QUICK) {
  writeFileSync(new URL('../results/actions.json', import.meta.url), `${JSON.stringify(json, null, 2)}\n`)
  writeFileSync(new URL('../RESULTS-actions.md', import.meta.url), md)
  console.log('wrote bench/results/actions.json and bench/RESULTS-actions.md')
}
