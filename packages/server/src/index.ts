/**
 * @strata/server — public entry point. This file only re-exports; each concept lives in
 * its own module beside its test.
 * @packageDocumentation
 */
export const VERSION = '0.1.0'
export { storeRules } from './auth/authorize.js'
export { type JwtOptions, jwtAuthenticator } from './auth/jwt.js'
export type { Action, Authenticate, AuthorizeResult, AuthRequest, AuthUser, Authorize } from './auth/types.js'
export { AuthError, ConfigError, ServerError, StorageError } from './errors.js'
export { type Fanout, type FanoutListener, localFanout } from './fanout/fanout.js'
export { type NatsFanoutOptions, natsFanout } from './fanout/nats.js'
export { type PostgresFanoutOptions, postgresFanout } from './fanout/postgres.js'
export { jsonLogger, type LogFields, type Logger, type LogLevel, silentLogger } from './logger.js'
export { Counter, Gauge, Histogram, MetricsRegistry } from './metrics.js'
export { runCli } from './cli.js'
export { startSyncServer, type SyncServer, type SyncServerOptions } from './server.js'
export { isFullStoreSchema, type ReplicaOptions } from './replica/replicas.js'
export { openStorage } from './storage/open.js'
export { openPostgresStorage, type PostgresStorageOptions } from './storage/postgres.js'
export { openSqliteStorage, type SqliteStorageOptions } from './storage/sqlite.js'
export {
  type AppendResult,
  type Judge,
  planPush,
  type PushPlan,
  type ReplicaImage,
  type SyncStorage,
  type Verdict,
} from './storage/storage.js'
export { type EventSchemas, validatePushedEvent } from './validation.js'
