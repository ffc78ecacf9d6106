/**
 * `createStore`: open the adapter's database, set up the log, read or create the
 * client id, boot (reuse state, replay a crash tail, or rebuild), return the Store.
 */
import type { StoreAdapter } from '../adapters/adapter.js'
import { StoreError } from '../errors.js'
import type { StoreSchema } from '../schema/make-schema.js'
import { bootEngine } from './boot.js'
import { Engine } from './engine.js'
import { Store } from './store.js'

/**
 * Options of {@link createStore}.
 * @example
 * createStore({ schema, adapter: nodeAdapter({ directory: './data' }), storeId: 'team-1', durability: 'batched' })
 */
export interface CreateStoreOptions<S extends StoreSchema> {
  readonly schema: S
  readonly adapter: StoreAdapter
  /** Unit of sync and authorization (a user, a team, a project). */
  readonly storeId: string
  /** Client id to use when the store file has none yet (default: random UUID). */
  readonly clientId?: string
  /** Rebuild state from the log at boot even if it looks fine. */
  readonly rebuild?: boolean
  /**
   * `'commit'` (default): each commit is its own SQLite transaction, durable when
   * `commit` returns. `'batched'`: commits of the same task share one transaction
   * (group commit, much higher throughput); durable after `flush()` or the next tick.
   */
  readonly durability?: 'commit' | 'batched'
}

function newClientId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (c?.randomUUID) return c.randomUUID()
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}

const now = (): number => (globalThis.performance ? globalThis.performance.now() : Date.now())

/**
 * Open (or create) a store.
 * @param options schema, adapter, store id
 * @returns the open store (state ready, reads synchronous)
 * @example
 * import { memoryAdapter } from '@strata/store/node'
 * const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'app' })
 */
export async function createStore<S extends StoreSchema>(options: CreateStoreOptions<S>): Promise<Store<S>> {
  if (!options.storeId) throw new StoreError('store_id_missing', 'createStore needs a storeId')
  const driver = await options.adapter.open({ storeId: options.storeId })
  try {
    const engine = new Engine(driver, options.schema)
    let clientId = engine.log.meta('clientId')
    if (typeof clientId !== 'string') {
      clientId = options.clientId ?? newClientId()
      engine.tx(() => engine.log.setMeta('clientId', clientId))
    }
    const boot = bootEngine(engine, { storeId: options.storeId, rebuild: options.rebuild === true, now })
    return new Store(options.schema, {
      storeId: options.storeId,
      clientId: clientId as string,
      engine,
      boot,
      durability: options.durability ?? 'commit',
      now,
    })
  } catch (e) {
    driver.close()
    throw e
  }
}

/**
 * Alias of {@link createStore} for code ported from LiveStore.
 * @example const store = await createStorePromise({ schema, adapter, storeId: 's' })
 */
export const createStorePromise = createStore
