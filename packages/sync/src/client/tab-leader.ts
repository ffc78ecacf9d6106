/**
 * One syncing tab per store in a browser. Owns the leader election (Web Locks: the tab
 * holding the lock `strata-sync:<storeId>` syncs) and the follower channel
 * (BroadcastChannel: the leader announces its status and upstream changes; followers
 * ask it to push after they commit). Feature-detected: where either API is missing
 * (Node, old browsers) every client simply leads.
 *
 * Why a lock and not a heartbeat election: the browser releases a Web Lock the moment
 * its tab closes or crashes, so the next tab takes over without timeouts or split brain.
 */

/**
 * The subset of `navigator.locks` used here.
 *
 * @example
 * ```ts
 * const locks: LockManagerLike = navigator.locks
 * ```
 */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>
}

/**
 * The subset of `BroadcastChannel` used here.
 *
 * @example
 * ```ts
 * const channel: BroadcastChannelLike = new BroadcastChannel('strata-sync:team-1')
 * ```
 */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void
  close(): void
  onmessage: ((event: { data: unknown }) => void) | null
}

/**
 * Messages between tabs of one store.
 *
 * @example
 * ```ts
 * const nudge: TabMessage = { type: 'nudge' } // a follower committed: leader, please push
 * ```
 */
export type TabMessage =
  | { type: 'status'; status: unknown }
  | { type: 'nudge' }
  | { type: 'upstream'; head: number }
  | { type: 'hello' }

/**
 * Options of {@link createTabLeader}.
 *
 * @example
 * ```ts
 * const options: TabLeaderOptions = { storeId: 'team-1', onLead: () => () => {}, onMessage: console.log }
 * ```
 */
export interface TabLeaderOptions {
  /** Store id: tabs of the same store elect one leader. */
  storeId: string
  /** Set false to skip coordination and lead at once. Default true. */
  coordinate?: boolean
  /** Lock manager; default `navigator.locks` when present. */
  locks?: LockManagerLike
  /** Channel factory; default the global `BroadcastChannel` when present. */
  createChannel?: (name: string) => BroadcastChannelLike
  /** Called when this tab becomes the leader; the returned function runs when it stops leading. */
  onLead: () => () => void
  /** Called with every message from other tabs. */
  onMessage: (message: TabMessage) => void
  /** Resolves when this tab may stand for leader (e.g. it owns the store); default at once. */
  eligible?: () => Promise<void>
}

/**
 * A running election.
 *
 * @example
 * ```ts
 * const tabs: TabLeader = createTabLeader(options)
 * if (!tabs.isLeader) tabs.post({ type: 'nudge' })
 * ```
 */
export interface TabLeader {
  /** True while this tab holds the lock (always true without Web Locks). */
  readonly isLeader: boolean
  /** True when Web Locks and BroadcastChannel are both available. */
  readonly coordinated: boolean
  /** Sends a message to the other tabs of this store (no-op when not coordinated). */
  post(message: TabMessage): void
  /** Gives up leadership (or stops waiting for it) and closes the channel. */
  stop(): void
}

/**
 * Whether this environment can coordinate tabs (Web Locks + BroadcastChannel).
 *
 * @returns true in modern browsers, false in Node and workers without them
 * @example
 * ```ts
 * if (!canCoordinateTabs()) console.log('every client syncs on its own')
 * ```
 */
export function canCoordinateTabs(): boolean {
  const nav = (globalThis as { navigator?: { locks?: unknown } }).navigator
  return (
    nav?.locks !== undefined &&
    typeof (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel === 'function'
  )
}

/**
 * Starts (or joins) the election for one store. The leader runs `onLead()` until it
 * stops or its tab goes away; followers wait in the lock queue and hear the leader
 * through `onMessage`.
 *
 * @param options - store id, callbacks, and optionally the lock manager / channel factory
 * @returns a {@link TabLeader}
 * @example
 * ```ts
 * const tabs = createTabLeader({
 *   storeId: 'team-1',
 *   onLead: () => { const c = connect(); return () => c.close() },
 *   onMessage: (m) => { if (m.type === 'status') mirror(m.status) },
 * })
 * ```
 */
export function createTabLeader(options: TabLeaderOptions): TabLeader {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator
  const locks = options.locks ?? nav?.locks
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => BroadcastChannelLike })
    .BroadcastChannel
  const createChannel = options.createChannel ?? (Channel ? (name: string) => new Channel(name) : undefined)

  if (options.coordinate === false || !locks || !createChannel) {
    // Nothing to coordinate with: lead at once.
    const release = options.onLead()
    let stopped = false
    return {
      isLeader: true,
      coordinated: false,
      post() {},
      stop() {
        if (stopped) return
        stopped = true
        release()
      },
    }
  }

  const name = `strata-sync:${options.storeId}`
  const channel = createChannel(name)
  channel.onmessage = (event) => {
    const data = event.data as TabMessage | null
    if (data && typeof data === 'object' && typeof data.type === 'string') options.onMessage(data)
  }
  const abort = new AbortController()
  let leader = false
  let stopped = false
  let releaseLock: (() => void) | undefined
  let stopLeading: (() => void) | undefined

  const stand = () =>
    locks
      .request(name, { signal: abort.signal }, () => {
        if (stopped) return Promise.resolve()
        leader = true
        stopLeading = options.onLead()
        return new Promise<void>((resolve) => {
          releaseLock = resolve
        })
      })
      .catch(() => {
        // AbortError when stop() is called while waiting: nothing to do.
      })
  if (options.eligible === undefined) void stand()
  else
    options.eligible().then(
      () => {
        if (!stopped) void stand()
      },
      () => {},
    )
  channel.postMessage({ type: 'hello' } satisfies TabMessage)

  return {
    get isLeader() {
      return leader
    },
    coordinated: true,
    post(message) {
      if (!stopped) channel.postMessage(message)
    },
    stop() {
      if (stopped) return
      if (leader) {
        leader = false
        stopLeading?.() // may still post (the last status, for the followers)
        releaseLock?.()
      } else abort.abort()
      stopped = true
      channel.onmessage = null
      channel.close()
    },
  }
}
