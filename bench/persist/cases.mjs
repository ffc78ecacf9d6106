// The workloads and the timing loop, shared by the Node run and the Chromium run (this
// file imports nothing platform-specific). Medians over rounds; each round on fresh
// storage; `prepare` fills storage untimed before a hydrate run.
export const N = 1000

/** ~0.9 MB of JSON: 8,000 rows of ~110 bytes. */
export function bigValue() {
  return {
    rows: Array.from({ length: 8000 }, (_, i) => ({
      id: `row-${i}`,
      title: `Row number ${i} with some text`,
      done: i % 3 === 0,
      tags: ['alpha', 'beta', 'gamma'].slice(0, i % 4),
      at: 1_700_000_000_000 + i,
    })),
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function cases(big, bigBytes) {
  return [
    { id: 'persist-1000-keys', label: `persist ${N} keys (one change per key)`, job: 'persistKeys', arg: N },
    {
      id: 'hydrate-1000-keys',
      label: `hydrate ${N} keys`,
      job: 'hydrateKeys',
      arg: N,
      prepare: 'persistKeys',
    },
    {
      id: 'persist-1mb',
      label: `persist a ${(bigBytes / 1e6).toFixed(2)} MB value`,
      job: 'persistBig',
      arg: big,
    },
    {
      id: 'hydrate-1mb',
      label: `hydrate a ${(bigBytes / 1e6).toFixed(2)} MB value`,
      job: 'hydrateBig',
      arg: big,
      prepare: 'persistBig',
    },
  ]
}

/**
 * Median time of `adapter[c.job]` over `rounds` (after `warmup`), each on fresh storage
 * from `makeStorage()`; `null` when the adapter cannot run on that storage.
 */
export async function measure(makeStorage, adapter, c, rounds, warmup) {
  const times = []
  for (let r = 0; r < warmup + rounds; r++) {
    const s = await makeStorage()
    try {
      if (!s.supports(adapter.id)) return null
      if (c.prepare) await adapter[c.prepare](s.prepare ? { ...s, ...s.prepare } : s, c.arg)
      const t0 = performance.now()
      await adapter[c.job](s, c.arg)
      const dt = performance.now() - t0
      if (r >= warmup) times.push(dt)
    } finally {
      await s.cleanup()
    }
  }
  return median(times)
}
