// Type tests of the browser adapter's options: wrong shapes must not compile.
import { browserAdapter } from './browser.js'

browserAdapter({ storage: 'opfs', wasmUrl: '/sqlite3.wasm', snapshotEvery: 500 })
browserAdapter({ encryption: { passphrase: 'pw', iterations: 100_000 } })
// @ts-expect-error there is no localStorage backend
browserAdapter({ storage: 'localstorage' })
// @ts-expect-error snapshotEvery is a count
browserAdapter({ snapshotEvery: '1000' })
browserAdapter({ forwardTimeoutMs: 2000 })
// @ts-expect-error forwardTimeoutMs is milliseconds
browserAdapter({ forwardTimeoutMs: '2s' })

export async function flushReturnsPromise() {
  const adapter = browserAdapter()
  const done: Promise<void> = adapter.flush()
  const driver = await adapter.open({ storeId: 's' })
  const role: 'leader' | 'follower' = driver.role
  // @ts-expect-error role is read-only
  driver.role = 'leader'
  return [done, role]
}
