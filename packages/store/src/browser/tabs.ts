/**
 * Tab coordination for one store: leadership through the Web Locks API and record
 * streaming over BroadcastChannel (docs/decisions/0038).
 *
 * - The leader holds the lock `strata-store:<storeId>` for as long as it is open; only it
 *   writes and persists. After each commit it broadcasts the new journal records.
 * - A follower keeps a synchronous in-memory replica: it loads the persisted state, then
 *   applies the leader's records in order. A gap (records it never saw) is closed by
 *   asking the leader, which answers with the missing records or a whole image.
 * - When the leader's tab closes the lock passes to a waiting follower, which catches up
 *   from storage and becomes the leader.
 * - A follower's commits go to the leader as events (`commit`), one batch in flight per
 *   tab; the leader applies them and answers `done`; a new leader announces itself
 *   (`leader`) so followers resend what was never answered (forward.ts, decision 0058).
 * Without Web Locks (old browsers, Node) every opener is a leader of its own.
 */
import type { JournalRecord } from './codec.js'
import type { ForwardedCommit, ForwardResult } from './forward.js'

/**
 * Messages on the store's BroadcastChannel.
 * @example
 * channel.postMessage({ t: 'need', from: 42, tab: 'x1' } satisfies TabMessage)
 */
export type TabMessage =
  | {
      readonly t: 'records'
      readonly records: readonly JournalRecord[]
      /** Set when the records answer that tab's `need`. */
      readonly tab?: string
    }
  | { readonly t: 'need'; readonly from: number; readonly tab: string }
  | { readonly t: 'image'; readonly head: number; readonly image: Uint8Array; readonly tab: string }
  | { readonly t: 'commit'; readonly tab: string; readonly batch: readonly ForwardedCommit[] }
  | {
      readonly t: 'done'
      readonly tab: string
      readonly head: number
      readonly results: readonly ForwardResult[]
    }
  | { readonly t: 'leader' }

interface LockManager {
  request(
    name: string,
    options: { ifAvailable?: boolean },
    cb: (lock: unknown) => Promise<void>,
  ): Promise<void>
}

const locks = (): LockManager | undefined =>
  (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks

/**
 * Leadership of one store in this tab.
 * @example
 * const lead = await claimLeadership('app')
 * if (!lead.isLeader) lead.onPromoted(() => console.log('this tab now owns the store'))
 */
export interface Leadership {
  /** Whether this tab currently owns the database. */
  readonly isLeader: boolean
  /** Run `fn` once when a follower becomes the leader (at once if that already happened). */
  onPromoted(fn: () => void): void
  /** Give up the lock (or stop waiting for it). */
  release(): void
}

/**
 * Try to become the leader of `storeId`; if another tab is, wait in line behind it.
 * @param storeId the store
 * @returns this tab's leadership state
 * @example
 * const lead = await claimLeadership('todos')
 * lead.isLeader // true in the first tab
 */
export async function claimLeadership(storeId: string): Promise<Leadership> {
  const manager = locks()
  if (manager === undefined) {
    return { isLeader: true, onPromoted: () => {}, release: () => {} }
  }
  const name = `strata-store:${storeId}`
  let releaseLock: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    releaseLock = resolve
  })
  const abort = new AbortController()
  let leader = false
  let promoted: (() => void) | undefined
  /** Promoted before anyone asked to be told: tell the first `onPromoted`. */
  let promotedUntold = false
  let released = false
  const granted = await new Promise<boolean>((resolve) => {
    manager
      .request(name, { ifAvailable: true }, async (lock) => {
        resolve(lock !== null)
        if (lock !== null) await held
      })
      .catch(() => resolve(false))
  })
  leader = granted
  if (!granted) {
    // Queue for the lock; the callback runs when the current leader's tab goes away.
    const waiting = manager as unknown as {
      request(
        name: string,
        options: { signal: AbortSignal },
        cb: (lock: unknown) => Promise<void>,
      ): Promise<void>
    }
    waiting
      .request(name, { signal: abort.signal }, async () => {
        if (released) return
        leader = true
        if (promoted === undefined) promotedUntold = true
        else promoted()
        await held
      })
      .catch(() => {}) // aborted on release
  }
  return {
    get isLeader() {
      return leader
    },
    onPromoted(fn) {
      promoted = fn
      if (promotedUntold) {
        promotedUntold = false
        fn()
      }
    },
    release() {
      released = true
      abort.abort()
      releaseLock()
    },
  }
}

/**
 * The store's BroadcastChannel, or `undefined` where BroadcastChannel does not exist.
 * @param storeId the store
 * @returns the channel
 * @example
 * storeChannel('todos')?.postMessage({ t: 'records', records })
 */
export function storeChannel(storeId: string): BroadcastChannel | undefined {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(`strata-store:${storeId}`) : undefined
}
