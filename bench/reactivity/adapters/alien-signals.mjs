// Adapter: alien-signals (the bar Strata's core is measured against).
// Every adapter exposes the same small interface (see ./index.d.mts) so the cases in
// ../cases/ drive each system through identical code.
import { computed, effect, effectScope, endBatch, signal, startBatch } from 'alien-signals'

/** What this adapter imports, bundled for the min+gzip size report. */
export const bundleEntry =
  "export { signal, computed, effect, effectScope, startBatch, endBatch } from 'alien-signals'"

/** @type {import('./index.d.mts').Adapter} */
export const adapter = {
  name: 'alien-signals',
  signal(initial) {
    const s = signal(initial)
    return { read: () => s(), write: (value) => s(value) }
  },
  computed(fn) {
    const c = computed(fn)
    return { read: () => c() }
  },
  effect(fn) {
    effect(fn)
  },
  batch(fn) {
    startBatch()
    try {
      fn()
    } finally {
      endBatch()
    }
  },
  root(fn) {
    let result
    const dispose = effectScope(() => {
      result = fn()
    })
    return { result, dispose }
  },
  native: {
    signal: (value) => signal(value),
    computed: (source) => {
      const c = computed(() => source())
      c()
      return c
    },
  },
}
