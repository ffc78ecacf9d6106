/**
 * NATS fan-out: for deployments that already run NATS, or where Postgres NOTIFY is not
 * available (poolers in transaction mode). Core NATS pub/sub, no JetStream: a missed
 * notice is repaired by the next one or by the resync after a reconnect.
 */
import { randomUUID } from 'node:crypto'
import { connect, type NatsConnection } from 'nats'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import { decodeNotice, encodeNotice, type Fanout, type FanoutListener } from './fanout.js'

/**
 * Options of {@link natsFanout}.
 *
 * @example
 * ```ts
 * const opts: NatsFanoutOptions = { servers: 'nats://127.0.0.1:4222', subject: 'strata.events' }
 * ```
 */
export interface NatsFanoutOptions {
  /** NATS server URL(s). */
  servers: string | string[]
  /** Subject; nodes must agree. Default `strata.events`. */
  subject?: string
  logger?: Logger
}

/**
 * Connects to NATS and returns a fan-out.
 *
 * @param options - servers and subject
 * @returns a {@link Fanout}
 * @example
 * ```ts
 * const server = await startSyncServer({ db: process.env.DATABASE_URL, fanout: await natsFanout({ servers: 'nats://127.0.0.1:4222' }) })
 * ```
 */
export async function natsFanout(options: NatsFanoutOptions): Promise<Fanout> {
  const nodeId = randomUUID()
  const subject = options.subject ?? 'strata.events'
  const logger = options.logger ?? silentLogger
  const listeners: FanoutListener[] = []
  const nc: NatsConnection = await connect({
    servers: options.servers,
    reconnect: true,
    maxReconnectAttempts: -1,
  })
  const decoder = new TextDecoder()
  const encoder = new TextEncoder()
  const sub = nc.subscribe(subject)
  void (async () => {
    for await (const msg of sub) {
      const notice = decodeNotice(nodeId, decoder.decode(msg.data))
      if (notice) for (const l of listeners) l.onHead(notice.storeId, notice.head)
    }
  })()
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'reconnect') for (const l of listeners) l.onResync()
      else if (status.type === 'disconnect') logger.warn('fanout connection lost', { fanout: 'nats' })
    }
  })()
  return {
    kind: 'nats',
    publish(storeId, head) {
      try {
        nc.publish(subject, encoder.encode(encodeNotice(nodeId, storeId, head)))
      } catch (error) {
        logger.warn('fanout publish failed', { fanout: 'nats', storeId, head, error })
      }
    },
    subscribe(listener) {
      listeners.push(listener)
    },
    async close() {
      await nc.drain().catch(() => {})
    },
  }
}
