/**
 * Postgres LISTEN/NOTIFY fan-out: the default when several nodes share one Postgres.
 * One dedicated connection LISTENs (reconnecting with backoff, then asking the hub to
 * resync); notifications go out through the storage's database with `pg_notify`.
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import { decodeNotice, encodeNotice, type Fanout, type FanoutListener } from './fanout.js'

/**
 * Options of {@link postgresFanout}.
 *
 * @example
 * ```ts
 * const opts: PostgresFanoutOptions = { connectionString: 'postgres://postgres@127.0.0.1/test', channel: 'strata_events' }
 * ```
 */
export interface PostgresFanoutOptions {
  connectionString: string
  /** Channel name; nodes must agree. Default `strata_events`. */
  channel?: string
  logger?: Logger
}

/**
 * Creates a LISTEN/NOTIFY fan-out and starts listening.
 *
 * @param options - connection and channel
 * @returns a {@link Fanout}
 * @example
 * ```ts
 * const fanout = await postgresFanout({ connectionString: process.env.DATABASE_URL! })
 * ```
 */
export async function postgresFanout(options: PostgresFanoutOptions): Promise<Fanout> {
  const nodeId = randomUUID()
  const channel = options.channel ?? 'strata_events'
  const logger = options.logger ?? silentLogger
  const listeners: FanoutListener[] = []
  const notifier = new pg.Pool({ connectionString: options.connectionString, max: 2 })
  notifier.on('error', () => {})
  let listenClient: pg.Client | undefined
  let closed = false
  let retry: ReturnType<typeof setTimeout> | undefined

  async function connect(attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString: options.connectionString })
    client.on('notification', (msg) => {
      if (msg.channel !== channel || !msg.payload) return
      const notice = decodeNotice(nodeId, msg.payload)
      if (notice) for (const l of listeners) l.onHead(notice.storeId, notice.head)
    })
    client.on('error', (error) => {
      logger.warn('fanout connection lost', { fanout: 'postgres', error })
      if (listenClient === client) scheduleReconnect(1)
    })
    // A terminated backend may end the connection without an error event.
    client.on('end', () => {
      if (listenClient === client) scheduleReconnect(1)
    })
    try {
      await client.connect()
      await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`)
      listenClient = client
      if (attempt > 0) for (const l of listeners) l.onResync()
    } catch (error) {
      await client.end().catch(() => {})
      if (attempt === 0) throw error
      scheduleReconnect(attempt + 1)
    }
  }

  function scheduleReconnect(attempt: number): void {
    if (closed || retry) return
    const old = listenClient
    listenClient = undefined
    old?.end().catch(() => {})
    retry = setTimeout(
      () => {
        retry = undefined
        void connect(attempt)
      },
      Math.min(5000, 100 * 2 ** attempt),
    )
  }

  await connect(0)
  return {
    kind: 'postgres',
    publish(storeId, head) {
      if (closed) return
      notifier
        .query('SELECT pg_notify($1, $2)', [channel, encodeNotice(nodeId, storeId, head)])
        .catch((error: unknown) => {
          logger.warn('fanout publish failed', { fanout: 'postgres', storeId, head, error })
        })
    },
    subscribe(listener) {
      listeners.push(listener)
    },
    async close() {
      closed = true
      if (retry) clearTimeout(retry)
      await listenClient?.end().catch(() => {})
      await notifier.end().catch(() => {})
    },
  }
}
