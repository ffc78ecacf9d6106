// Adapter: @strata/core, the system under test. Under `npm run bench:core` it resolves
// to packages/core/dist (built first); under vitest to packages/core/src.
import { batch, computed, effect, effectScope, signal } from '@strata/core'

/** What this adapter imports, bundled for the min+gzip size report. */
export const bundleEntry = "export { signal, computed, effect, batch, effectScope } from '@strata/core'"

/** @type {import('./index.d.mts').Adapter} */
export const adapter = {
  name: 'strata',
  signal(initial) {
    const s = signal(initial)
    return { read: () => s.get(), write: (value) => s.set(value) }
  },
  computed(fn) {
    const c = computed(fn)
    return { read: () => c.get() }
  },
  effect(fn) {
    effect(fn)
  },
  batch(fn) {
    batch(fn)
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
      const c = computed(() => source.get())
      c.get()
      return c
    },
  },
}
