// The systems under test and how to load each one's adapter by name. Each adapter lives
// in its own module so a worker process imports only the system it measures.

const loaders = {
  strata: () => import('./strata.mjs'),
  'alien-signals': () => import('./alien-signals.mjs'),
  preact: () => import('./preact.mjs'),
  vue: () => import('./vue.mjs'),
  nanostores: () => import('./nanostores.mjs'),
}

/** Every system, in the order the table prints them; the first is the one under test. */
export const systems = Object.keys(loaders)

/**
 * @param {string} name
 * @returns {Promise<{ adapter: import('./index.d.mts').Adapter, bundleEntry: string }>}
 */
export async function loadAdapter(name) {
  const load =
    /** @type {Record<string, () => Promise<{ adapter: import('./index.d.mts').Adapter, bundleEntry: string }>>} */ (
      loaders
    )[name]
  if (load === undefined) throw new Error(`unknown system "${name}" (known: ${systems.join(', ')})`)
  return load()
}
