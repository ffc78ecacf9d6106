import { setUnmountDelay } from '@strata/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { waitFor } from './_wait.js'
import { createRealtimeStore, main, startChatServer } from './websocket-store.js'

let server: Awaited<ReturnType<typeof startChatServer>>
beforeEach(async () => {
  setUnmountDelay(0)
  server = await startChatServer()
})
afterEach(async () => {
  setUnmountDelay(1000)
  await server.close()
})

describe('WebSocket-fed store (seed 002)', () => {
  it('two clients share server-ordered messages, survive a server restart, and close when unobserved', async () => {
    const out = await main(() => undefined)
    expect(out.texts).toEqual(['alice: hi bob', 'bob: back again'])
    expect(out.bobTexts).toEqual(['hi bob', 'back again'])
    expect(out.clientsWhileObserved).toBe(2)
    expect(out.clientsAfter).toBe(0)
  })

  it('opens no socket until observed; writes reach the server and come back', async () => {
    const store = createRealtimeStore(server.url, 'ada')
    store.messages.get()
    expect(server.clients).toBe(0)
    const seen: number[] = []
    const off = store.messages.subscribe((list) => seen.push(list.length))
    await waitFor(() => store.connected.get(), 'open')
    expect(store.sendMessage('hello')).toBe(true)
    await waitFor(() => store.messages.get().length === 1, 'echo')
    off()
    await waitFor(() => server.clients === 0, 'close')
    expect(server.received).toMatchObject([{ userId: 'ada', text: 'hello' }])
    expect(store.messages.get()[0]).toMatchObject({ userId: 'ada', text: 'hello' })
    expect(seen).toEqual([0, 1])
    expect(store.connected.get()).toBe(false)
  })

  it('sending while disconnected is refused with an error and nothing is sent', async () => {
    const store = createRealtimeStore(server.url, 'ada')
    expect(store.sendMessage('lost?')).toBe(false)
    expect(store.error.get()).toBe('Not connected to server')
    expect(server.received).toEqual([])
  })

  it('does not reconnect after the last observer left', async () => {
    const store = createRealtimeStore(server.url, 'ada', { retryMs: 1 })
    const off = store.messages.subscribe(() => undefined)
    await waitFor(() => server.clients === 1, 'open')
    off()
    await waitFor(() => server.clients === 0, 'close')
    // Observe the server for several retry periods through a second store that is
    // connected: if the first reconnected, the server would count two clients.
    const probe = createRealtimeStore(server.url, 'probe')
    const offProbe = probe.messages.subscribe(() => undefined)
    await waitFor(() => probe.connected.get(), 'probe open')
    probe.sendMessage('ping')
    await waitFor(() => probe.messages.get().length === 1, 'ping echo')
    expect(server.clients).toBe(1)
    expect(server.connections).toBe(2) // the first socket and the probe, no reconnect
    offProbe()
  })

  it('a malformed frame is reported and messages already received stay', async () => {
    const store = createRealtimeStore(server.url, 'ada')
    const off = store.messages.subscribe(() => undefined)
    await waitFor(() => store.connected.get(), 'open')
    store.sendMessage('kept')
    await waitFor(() => store.messages.get().length === 1, 'echo')
    server.broadcastRaw('{oops')
    await waitFor(() => store.error.get() !== null, 'error')
    off()
    expect(store.error.get()).toBe('malformed message from server: {oops')
    expect(store.messages.get().map((m) => m.text)).toEqual(['kept'])
  })
})
