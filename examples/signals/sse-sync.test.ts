import { setUnmountDelay } from '@strata/core'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from './_wait.js'
import { createNotificationStore, main, readEvents, startEventServer } from './sse-sync.js'

const servers: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  setUnmountDelay(1000)
  for (const s of servers.splice(0)) await s.close()
})

function stream(...chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = chunks.map((c) => new TextEncoder().encode(c))
  return new ReadableStream({
    start(controller) {
      for (const b of bytes) controller.enqueue(b)
      controller.close()
    },
  })
}

describe('SSE sync through onMount (seed 002)', () => {
  it('streams notifications while observed and closes the connection after the last unsubscribe', async () => {
    const out = await main(() => undefined)
    expect(out.seen).toEqual([[], ['Build started'], ['Build started', 'Build passed']])
    expect(out.openWhileObserved).toBe(1)
    expect(out.openAfter).toBe(0)
    expect(out.stats).toEqual({ opened: 1, closed: 1 })
  })

  it('opens no connection until observed, and one for several observers', async () => {
    setUnmountDelay(0)
    const server = await startEventServer()
    servers.push(server)
    const store = createNotificationStore(server.url)
    expect(store.notifications.get()).toEqual([]) // a plain read is not an observer
    expect(server.stats.opened).toBe(0)
    const offA = store.notifications.subscribe(() => undefined)
    const offB = store.notifications.listen(() => undefined)
    await waitFor(() => store.connected.get(), 'connected')
    offA()
    expect(server.stats.closed).toBe(0) // one observer still there
    offB()
    await waitFor(() => server.stats.closed === 1, 'close')
    expect(server.stats.opened).toBe(1)
    expect(store.connected.get()).toBe(false)
  })

  it('reconnects after the server drops the stream and keeps receiving', async () => {
    setUnmountDelay(0)
    const server = await startEventServer()
    servers.push(server)
    const store = createNotificationStore(server.url, { retryMs: 20 })
    const off = store.notifications.subscribe(() => undefined)
    await waitFor(() => server.open === 1, 'first connection')
    server.drop()
    await waitFor(() => server.stats.opened === 2 && server.open === 1, 'reconnection')
    server.send('notification', JSON.stringify({ id: 'n3', type: 'warning', message: 'after reconnect' }))
    await waitFor(() => store.notifications.get().length === 1, 'notification after reconnect')
    off()
    await waitFor(() => server.open === 0, 'close')
    expect(store.notifications.get().map((n) => n.message)).toEqual(['after reconnect'])
  })

  it('a malformed event is reported and loses nothing already received', async () => {
    setUnmountDelay(0)
    const server = await startEventServer()
    servers.push(server)
    const store = createNotificationStore(server.url)
    const off = store.notifications.subscribe(() => undefined)
    await waitFor(() => store.connected.get(), 'connected')
    server.send('notification', JSON.stringify({ id: 'a', type: 'info', message: 'kept' }))
    server.send('notification', '{not json')
    await waitFor(() => store.error.get() !== null, 'the error')
    off()
    expect(store.error.get()).toBe('malformed notification event: {not json')
    expect(store.notifications.get().map((n) => n.id)).toEqual(['a'])
  })

  it('notifications are removed after autoRemoveMs', async () => {
    setUnmountDelay(0)
    const server = await startEventServer()
    servers.push(server)
    const store = createNotificationStore(server.url, { autoRemoveMs: 30 })
    const lengths: number[] = []
    const off = store.notifications.subscribe((l) => lengths.push(l.length))
    await waitFor(() => store.connected.get(), 'connected')
    server.send('notification', JSON.stringify({ id: 'x', type: 'info', message: 'brief' }))
    await waitFor(() => lengths.length === 3, 'added then removed')
    off()
    expect(lengths).toEqual([0, 1, 0])
  })

  it('the parser handles split chunks, CRLF, multi-line data and comments', async () => {
    const events = []
    for await (const e of readEvents(
      stream(': hi\r\n\r\nevent: a\r', '\nda', 'ta: 1\r\ndata: 2\r\n\r\ndata:x\n\n'),
    ))
      events.push(e)
    expect(events).toEqual([
      { event: 'a', data: '1\n2' },
      { event: 'message', data: 'x' },
    ])
  })
})
