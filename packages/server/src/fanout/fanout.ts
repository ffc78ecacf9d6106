/**
 * Fan-out seam: how a server node learns that another node committed events to a
 * store. Messages carry only (storeId, head); the receiving node reads the events from
 * the shared storage, so a lost or duplicated notification can delay but never corrupt
 * a stream. The single-process default needs no fan-out at all.
 */

/**
 * A notification channel between server nodes sharing one database.
 *
 * @example
 * ```ts
 * fanout.subscribe({ onHead: (storeId, head) => hub.remote(storeId, head), onResync: () => hub.refreshAll() })
 * fanout.publish('team:core', 42)
 * ```
 */
export interface Fanout {
  /** `'local'`, `'postgres'`, `'nats'`. */
  readonly kind: string
  /** Tells other nodes that `storeId` now has `head`. */
  publish(storeId: string, head: number): void
  /**
   * Receives other nodes' notifications. `onResync` is called after the channel
   * reconnected (notifications may have been missed).
   */
  subscribe(listener: FanoutListener): void
  /** Stops listening and releases connections. */
  close(): Promise<void>
}

/**
 * Callbacks of {@link Fanout.subscribe}.
 *
 * @example
 * ```ts
 * const listener: FanoutListener = { onHead: (s, h) => console.log(s, h), onResync: () => {} }
 * ```
 */
export interface FanoutListener {
  onHead(storeId: string, head: number): void
  onResync(): void
}

/**
 * The single-node fan-out: nothing to tell anyone.
 *
 * @returns a no-op {@link Fanout}
 * @example
 * ```ts
 * await startSyncServer({ fanout: localFanout() })
 * ```
 */
export function localFanout(): Fanout {
  return { kind: 'local', publish() {}, subscribe() {}, async close() {} }
}

/**
 * Encodes a notification (shared by the Postgres and NATS fan-outs).
 * @internal
 */
export function encodeNotice(nodeId: string, storeId: string, head: number): string {
  return JSON.stringify({ n: nodeId, s: storeId, h: head })
}

/**
 * Decodes a notification; ignores malformed ones and this node's own.
 * @internal
 */
export function decodeNotice(nodeId: string, text: string): { storeId: string; head: number } | undefined {
  try {
    const v = JSON.parse(text) as { n?: unknown; s?: unknown; h?: unknown }
    if (v.n === nodeId || typeof v.s !== 'string' || typeof v.h !== 'number') return undefined
    return { storeId: v.s, head: v.h }
  } catch {
    return undefined
  }
}
