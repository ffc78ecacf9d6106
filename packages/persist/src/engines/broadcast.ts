/**
 * Change notifications between tabs for engines that have no native event
 * (IndexedDB, OPFS): one BroadcastChannel per engine instance, used both to post and to
 * listen, so an instance never hears its own writes. Created lazily; unref'd in Node so
 * it never keeps a process alive. Without BroadcastChannel it silently does nothing.
 */
import type { EngineChange } from './types.js'

type Channel = {
  postMessage(m: unknown): void
  close(): void
  addEventListener(t: 'message', fn: (e: { data: unknown }) => void): void
  unref?: () => void
}

/** A lazily-opened change channel. */
export interface ChangeChannel {
  /** Tell other tabs that `key` (or everything, `null`) changed. */
  post(key: string | null): void
  /** Listen to other tabs' changes. */
  watch(fn: (change: EngineChange) => void): () => void
  /** Close the channel. */
  close(): void
}

/**
 * Open a change channel named `name` (engines use `strata:<engine>:<database>`).
 *
 * @param name channel name shared by every tab
 * @returns a {@link ChangeChannel}
 * @example
 * ```ts
 * const ch = changeChannel('strata:idb:app')
 * ch.watch(({ key }) => console.log('changed elsewhere', key))
 * ch.post('settings')
 * ```
 */
export function changeChannel(name: string): ChangeChannel {
  let channel: Channel | null = null
  const listeners = new Set<(change: EngineChange) => void>()
  const open = (): Channel | null => {
    if (channel) return channel
    const BC = (globalThis as { BroadcastChannel?: new (n: string) => Channel }).BroadcastChannel
    if (!BC) return null
    channel = new BC(name)
    channel.unref?.()
    channel.addEventListener('message', (e) => {
      const data = e.data as { key?: unknown } | null
      if (!data || (typeof data.key !== 'string' && data.key !== null)) return
      for (const fn of [...listeners]) fn({ key: data.key })
    })
    return channel
  }
  return {
    post(key) {
      open()?.postMessage({ key })
    },
    watch(fn) {
      open()
      listeners.add(fn)
      return () => {
        listeners.delete(fn)
      }
    },
    close() {
      channel?.close()
      channel = null
      listeners.clear()
    },
  }
}
