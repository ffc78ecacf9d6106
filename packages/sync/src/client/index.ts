/**
 * The client sync processor's public surface (re-exports only). Each concept lives in
 * its own file beside its test: `sync-client.ts` (the processor), `status.ts` (status
 * stores), `backoff.ts` (reconnect policy), `push-window.ts` (batching), transports
 * (`websocket-transport.ts`, `http-transport.ts`), `tab-leader.ts` (one syncing tab).
 */
export { backoffDelay, type BackoffOptions, createReconnector, type Reconnector } from './backoff.js'
export { type Clock, systemClock, type TimerHandle } from './clock.js'
export { type FetchLike, httpTransport, type HttpTransportOptions } from './http-transport.js'
export { createPushWindow, type OversizeEvent, type PushBatch, type PushWindow } from './push-window.js'
export {
  createSyncStatus,
  type SyncStatus,
  type SyncStatusSnapshot,
  type SyncStatusWriter,
} from './status.js'
export type { StoreSyncSeam, SyncableStore, SyncEventRecord } from './store-seam.js'
export {
  createSyncClient,
  type SyncClient,
  type SyncClientOptions,
  type SyncRejection,
} from './sync-client.js'
export {
  type BroadcastChannelLike,
  canCoordinateTabs,
  createTabLeader,
  type LockManagerLike,
  type TabLeader,
  type TabLeaderOptions,
  type TabMessage,
} from './tab-leader.js'
export type { Transport, TransportCloseInfo, TransportConnection, TransportHandlers } from './transport.js'
export {
  type WebSocketConstructor,
  type WebSocketLike,
  webSocketTransport,
  type WebSocketTransportOptions,
} from './websocket-transport.js'
