/**
 * Structured logging: one JSON object per line. The server takes any {@link Logger};
 * tests inject a collecting logger, production writes JSON lines to stdout.
 */

/**
 * Extra structured fields of a log line.
 *
 * @example
 * ```ts
 * const fields: LogFields = { storeId: 'team:core', clientId: 'c1' }
 * ```
 */
export type LogFields = Record<string, unknown>

/**
 * What the server needs from a logger. Compatible with pino-style loggers wrapped as
 * `(msg, fields) => pino.info(fields, msg)`.
 *
 * @example
 * ```ts
 * const logger: Logger = { debug() {}, info: console.log, warn: console.warn, error: console.error }
 * ```
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

/**
 * Log levels in increasing severity.
 *
 * @example
 * ```ts
 * jsonLogger({ level: 'warn' satisfies LogLevel })
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/**
 * A logger writing one JSON line per entry: `{"level","time","msg",...fields}`.
 *
 * @param options - `level` (default `info`) and `write` (default: stdout)
 * @returns a {@link Logger}
 * @example
 * ```ts
 * const logger = jsonLogger({ level: 'debug' })
 * logger.info('listening', { url: 'ws://127.0.0.1:8787/v1/sync' })
 * // {"level":"info","time":"…","msg":"listening","url":"ws://127.0.0.1:8787/v1/sync"}
 * ```
 */
export function jsonLogger(options: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const min = RANK[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const at =
    (level: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields?: LogFields): void => {
      if (RANK[level] < min) return
      write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields }, errorReplacer))
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error)
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code }
  return value
}

/**
 * A logger that drops everything.
 *
 * @example
 * ```ts
 * createSyncServer({ logger: silentLogger })
 * ```
 */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
