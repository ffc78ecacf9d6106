/**
 * The in-process hub: for every store with live subscribers it tracks the committed
 * head and a window of recent events, and wakes the store's subscribers when the head
 * moves — after a local push (events in hand) or a fan-out notice from another node
 * (events fetched once from storage, not once per subscriber).
 *
 * Invariant: `head` only ever names a gseq whose events (and all before it) are
 * committed; the recent window is contiguous; anything outside it is read from storage.
 */
import { type ConfirmedEvent, encodeFrame } from '@strata/sync'
import type { EncodedEvents, SyncStorage } from './storage/storage.js'
import { wsTextFrame } from './ws-frame.js'

/**
 * What the hub needs from a subscriber (a WebSocket session).
 *
 * @example
 * ```ts
 * const sub: Subscriber = { wake: () => session.pump() }
 * ```
 */
export interface Subscriber {
  /** The store's head moved: deliver what you have not sent yet. */
  wake(): void
}

interface StoreState {
  head: number
  subscribers: Set<Subscriber>
  /** Recent events, contiguous gseq, `window[0].gseq === windowStart`. */
  window: ConfirmedEvent[]
  windowStart: number
  /** The estimated size of each window event (see `estimateBytes`), parallel to `window`. */
  sizes: number[]
  /** Their sum. */
  windowBytes: number
  /** Highest head announced by another node and not yet fetched. */
  remoteHead: number
  /** The fetch of events up to `remoteHead` under way, if any. */
  fetching: Promise<void> | undefined
  /** The latest local batch, encoded once (UTF-8 bytes) for every caught-up subscriber. */
  lastBatch:
    | { after: number; head: number; events: readonly ConfirmedEvent[]; frame?: Buffer; wire?: Buffer }
    | undefined
}

/**
 * Options of {@link Hub}.
 *
 * @example
 * ```ts
 * new Hub(storage, { windowSize: 10_000 })
 * ```
 */
export interface HubOptions {
  /** Most recent events kept in memory per active store. Default 10,000. */
  windowSize?: number
  /**
   * Most bytes of recent events kept in memory per active store (estimated from each
   * event's JSON), so a store of large events cannot hold `windowSize` of them. Default
   * 32 MiB. Reads outside the window go to storage, with the same results.
   */
  windowBytes?: number
  /**
   * A background fetch of another node's events failed (storage unreachable for a
   * moment). Nothing is lost: the next notice, `resync()` or a new session fetches again.
   */
  onFetchError?: (error: unknown, storeId: string) => void
}

/**
 * Per-store subscriber registry and recent-event window.
 *
 * @example
 * ```ts
 * const hub = new Hub(storage)
 * await hub.join('team:core', session)
 * hub.committed('team:core', result.appended, result.head)
 * ```
 */
export class Hub {
  private readonly stores = new Map<string, StoreState>()
  private readonly opening = new Map<string, Promise<StoreState>>()
  /** Heads announced while a store's state was being opened (its head read may be stale). */
  private readonly headsWhileOpening = new Map<string, number>()
  private readonly windowSize: number
  private readonly windowBytes: number
  private readonly onFetchError: ((error: unknown, storeId: string) => void) | undefined

  /**
   * @param storage - where events are read when outside the window
   * @param options - window size
   */
  constructor(
    private readonly storage: SyncStorage,
    options: HubOptions = {},
  ) {
    this.windowSize = options.windowSize ?? 10_000
    this.windowBytes = options.windowBytes ?? 32 * 1024 * 1024
    this.onFetchError = options.onFetchError
  }

  /**
   * Registers a subscriber of `storeId`.
   * @param storeId - the store
   * @param sub - the subscriber
   * @returns the store's current head
   */
  async join(storeId: string, sub: Subscriber): Promise<number> {
    const state = await this.state(storeId)
    state.subscribers.add(sub)
    this.fetchInBackground(storeId, state)
    return state.head
  }

  /**
   * Bring an active store's head up to `head`, one just read from storage (so its events
   * are committed), fetching the events in between. A node's head trails storage until
   * another node's notice arrives and its events are fetched; a session's `welcome` must
   * not (its `lastSeq` may count those events, decision 0065).
   * @param storeId - a store joined by the caller
   * @param head - a head read from storage
   * @returns the store's head now (at least `head` unless the store was left meanwhile)
   * @throws the storage's error when reading the events fails
   */
  async reach(storeId: string, head: number): Promise<number> {
    const state = this.stores.get(storeId)
    if (!state) return head
    while (state.head < head) {
      state.remoteHead = Math.max(state.remoteHead, head)
      const before = state.head
      await (state.fetching ?? this.fetchRemote(storeId, state))
      if (state.head === before) break // storage returned nothing past our head
    }
    return state.head
  }

  /**
   * Unregisters a subscriber; forgets the store when nobody is left.
   * @param storeId - the store
   * @param sub - the subscriber
   */
  leave(storeId: string, sub: Subscriber): void {
    const state = this.stores.get(storeId)
    if (!state) return
    state.subscribers.delete(sub)
    if (state.subscribers.size === 0 && state.fetching === undefined) this.stores.delete(storeId)
  }

  /** @returns the known head of an active store, or undefined */
  head(storeId: string): number | undefined {
    return this.stores.get(storeId)?.head
  }

  /** @returns number of subscribers over all stores */
  subscriberCount(): number {
    let n = 0
    for (const s of this.stores.values()) n += s.subscribers.size
    return n
  }

  /**
   * A push on this node committed `appended` (gseq ascending) and moved the head.
   * @param storeId - the store
   * @param appended - the newly committed events
   * @param head - the head after the push
   */
  committed(storeId: string, appended: readonly ConfirmedEvent[], head: number): void {
    const state = this.stores.get(storeId)
    if (!state) {
      this.noteWhileOpening(storeId, head)
      return
    }
    if (appended.length === 0) return
    this.remember(state, appended)
    const first = appended[0] as ConfirmedEvent
    state.lastBatch = { after: first.gseq - 1, head, events: appended }
    if (head > state.head) {
      state.head = head
      this.wake(state)
    }
  }

  /**
   * Another node announced that `storeId` reached `head`.
   * @param storeId - the store
   * @param head - the announced head
   */
  remote(storeId: string, head: number): void {
    const state = this.stores.get(storeId)
    if (!state) {
      this.noteWhileOpening(storeId, head)
      return
    }
    if (head <= state.head) return
    state.remoteHead = Math.max(state.remoteHead, head)
    this.fetchInBackground(storeId, state)
  }

  /** Notifications may have been lost: re-read the head of every active store. */
  async resync(): Promise<void> {
    await Promise.all(
      [...this.stores.entries()].map(async ([storeId, state]) => {
        const head = await this.storage.head(storeId)
        if (head > state.head) this.remote(storeId, head)
      }),
    )
  }

  /**
   * Reads committed events after `after` (from the window when possible).
   * @param storeId - the store
   * @param after - exclusive lower bound (gseq)
   * @param limit - page size
   * @returns events in gseq order
   */
  async read(storeId: string, after: number, limit: number): Promise<ConfirmedEvent[]> {
    const state = this.stores.get(storeId)
    if (state && state.window.length > 0 && after + 1 >= state.windowStart) {
      const from = after + 1 - state.windowStart
      if (from < state.window.length) return state.window.slice(from, from + limit)
    }
    // gseq is gap-free: capping the count at head - after never hands out events beyond
    // the announced head, so the stream stays in head order.
    const head = state?.head
    return this.storage.read(
      storeId,
      after,
      head === undefined ? limit : Math.max(0, Math.min(limit, head - after)),
    )
  }

  /**
   * Reads committed events after `after` as a JSON array text: from the window when
   * possible, else straight from the stored JSON (the catch-up fast path).
   * @param storeId - the store
   * @param after - exclusive lower bound (gseq)
   * @param limit - page size
   * @returns the encoded page
   */
  async readEncoded(storeId: string, after: number, limit: number): Promise<EncodedEvents> {
    const state = this.stores.get(storeId)
    if (
      state &&
      state.window.length > 0 &&
      after + 1 >= state.windowStart &&
      after + 1 - state.windowStart < state.window.length
    ) {
      const events = await this.read(storeId, after, limit)
      const last = events[events.length - 1]
      return { json: JSON.stringify(events), count: events.length, last: last ? last.gseq : 0 }
    }
    const head = state?.head
    return this.storage.readEncoded(
      storeId,
      after,
      head === undefined ? limit : Math.max(0, Math.min(limit, head - after)),
    )
  }

  /**
   * The encoded live frame for a subscriber that has everything up to `after`, when the
   * latest local batch is exactly what it needs next (the common, caught-up case):
   * 100 subscribers then cost one JSON encoding, one UTF-8 conversion and one WebSocket
   * frame, not 100.
   * @param storeId - the store
   * @param after - the subscriber's sentHead
   * @param maxEvents - the subscriber's page size
   * @returns the frame (UTF-8 text as bytes, to send as a text frame), the same as a
   *   complete WebSocket frame (`wire`), and the gseq it ends at, or undefined
   */
  liveFrame(
    storeId: string,
    after: number,
    maxEvents: number,
  ): { frame: Buffer; wire: Buffer; upTo: number; count: number } | undefined {
    const state = this.stores.get(storeId)
    const batch = state?.lastBatch
    if (
      !state ||
      !batch ||
      batch.after !== after ||
      batch.head !== state.head ||
      batch.events.length > maxEvents
    )
      return undefined
    const last = batch.events[batch.events.length - 1] as ConfirmedEvent
    if (last.gseq !== batch.head) return undefined
    batch.frame ??= Buffer.from(
      encodeFrame({ t: 'events', events: batch.events as ConfirmedEvent[], head: batch.head }),
    )
    batch.wire ??= wsTextFrame(batch.frame)
    return { frame: batch.frame, wire: batch.wire, upTo: last.gseq, count: batch.events.length }
  }

  private async state(storeId: string): Promise<StoreState> {
    const existing = this.stores.get(storeId)
    if (existing) return existing
    let opening = this.opening.get(storeId)
    if (!opening) {
      opening = this.storage.head(storeId).then((head) => {
        const state: StoreState = {
          head,
          subscribers: new Set(),
          window: [],
          windowStart: head + 1,
          sizes: [],
          windowBytes: 0,
          remoteHead: 0,
          fetching: undefined,
          lastBatch: undefined,
        }
        this.stores.set(storeId, state)
        this.opening.delete(storeId)
        const announced = this.headsWhileOpening.get(storeId)
        this.headsWhileOpening.delete(storeId)
        // A commit landed between the head read and now: fetched once the subscriber is in (join).
        if (announced !== undefined && announced > state.head) state.remoteHead = announced
        return state
      })
      opening.catch(() => {
        this.opening.delete(storeId)
        this.headsWhileOpening.delete(storeId)
      })
      this.opening.set(storeId, opening)
    }
    return opening
  }

  private noteWhileOpening(storeId: string, head: number): void {
    if (!this.opening.has(storeId)) return
    this.headsWhileOpening.set(storeId, Math.max(head, this.headsWhileOpening.get(storeId) ?? 0))
  }

  private remember(state: StoreState, events: readonly ConfirmedEvent[]): void {
    const end = state.windowStart + state.window.length
    const fresh = events.filter((e) => e.gseq >= end)
    const first = fresh[0]
    if (!first) return
    const sizes = fresh.map(estimateBytes)
    if (state.window.length > 0 && first.gseq === end) {
      state.window.push(...fresh)
      state.sizes.push(...sizes)
    } else {
      // Empty, or not contiguous (another node committed in between): restart the window here.
      state.window = fresh
      state.sizes = sizes
      state.windowBytes = 0
      state.windowStart = first.gseq
    }
    for (const n of sizes) state.windowBytes += n
    // Drop the oldest beyond either bound (by bytes, the window may end up empty).
    let excess = Math.max(0, state.window.length - this.windowSize)
    for (let i = 0; i < excess; i++) state.windowBytes -= state.sizes[i]!
    while (excess < state.window.length && state.windowBytes > this.windowBytes)
      state.windowBytes -= state.sizes[excess++]!
    if (excess > 0) {
      state.window.splice(0, excess)
      state.sizes.splice(0, excess)
      state.windowStart += excess
    }
  }

  /** Fetch up to `remoteHead` unless a fetch is under way; a failure is reported, not thrown. */
  private fetchInBackground(storeId: string, state: StoreState): void {
    if (state.remoteHead <= state.head || state.fetching) return
    this.fetchRemote(storeId, state).catch((error: unknown) => {
      try {
        this.onFetchError?.(error, storeId)
      } catch {
        // a throwing reporter must not turn the failure into an unhandled rejection
      }
    })
  }

  /** Fetch events up to `remoteHead` (a head that is ahead of ours); one fetch at a time. */
  private fetchRemote(storeId: string, state: StoreState): Promise<void> {
    const run = (async () => {
      // Yield first: `fetching` is set below before the loop runs, also when a storage's
      // read throws synchronously (else `finally` would run before the assignment).
      await undefined
      try {
        while (state.remoteHead > state.head) {
          const page = await this.storage.read(storeId, state.head, 5_000)
          if (page.length === 0) break
          this.remember(state, page)
          state.head = Math.max(state.head, (page[page.length - 1] as ConfirmedEvent).gseq)
          this.wake(state)
        }
      } finally {
        state.fetching = undefined
        if (state.subscribers.size === 0) this.stores.delete(storeId)
      }
    })()
    state.fetching = run
    return run
  }

  private wake(state: StoreState): void {
    for (const s of state.subscribers) s.wake()
  }
}

/** About an event's size in memory and on the wire: its JSON without the envelope. */
function estimateBytes(e: ConfirmedEvent): number {
  return 64 + e.name.length + (JSON.stringify(e.args)?.length ?? 0)
}
