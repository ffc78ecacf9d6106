/**
 * The `strata` command line: `strata serve [options]`. Parses flags (with environment
 * fallbacks), starts the server, prints ONE line with the URL on stdout, logs JSON to
 * stderr, and shuts down gracefully on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ConfigError } from './errors.js'
import { natsFanout } from './fanout/nats.js'
import { jsonLogger, type LogLevel } from './logger.js'
import { type SyncServer, startSyncServer } from './server.js'
import type { EventSchemas } from './validation.js'

const USAGE = `usage: strata serve [options]

  --port <n>            port (default 8787, env PORT; 0 = any free port)
  --host <addr>         interface (default 127.0.0.1)
  --db <path|url>       SQLite file (default ./strata.db) or postgres://user@host/db[?schema=s] (env DATABASE_URL)
  --nats <url>          fan out through NATS instead of Postgres LISTEN/NOTIFY
  --jwt-secret <s>      verify HS256 bearer tokens (env STRATA_JWT_SECRET)
  --jwks-url <url>      verify RS256/ES256 tokens against a JWKS
  --jwt-issuer <iss>    required token issuer
  --jwt-audience <aud>  required token audience
  --cors <origin>       Access-Control-Allow-Origin for the HTTP routes
  --schema <module>     ES module exporting \`schema\` (makeSchema(...) or { name: StandardSchema }):
                        pushes are validated with it; a store schema's materializers are dry-run
  --no-dry-run          with a store schema, check payloads only (no per-store replicas)
  --log-level <level>   debug | info | warn | error | silent (default info; logs go to stderr)
`

/** Imports `--schema`: its `schema` export, else its default export. */
async function loadSchema(path: string): Promise<EventSchemas> {
  let mod: { schema?: unknown; default?: unknown }
  try {
    mod = (await import(pathToFileURL(resolve(path)).href)) as typeof mod
  } catch (cause) {
    throw new ConfigError('bad_schema', `cannot import --schema ${path}: ${String(cause)}`, { cause })
  }
  const schema = mod.schema ?? mod.default
  if (typeof schema !== 'object' || schema === null)
    throw new ConfigError('bad_schema', `--schema ${path} exports no \`schema\` (nor a default export)`)
  return schema as EventSchemas
}

/**
 * Runs the CLI.
 *
 * @param argv - arguments after the program name (e.g. `['serve', '--port', '0']`)
 * @param io - where the URL line and usage go (default: process stdout/stderr)
 * @returns the started server (for `serve`), or undefined after printing usage
 * @example
 * ```ts
 * const server = await runCli(['serve', '--port', '0', '--db', ':memory:'])
 * await server?.close()
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void } = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  },
): Promise<SyncServer | undefined> {
  const [command, ...rest] = argv
  if (command !== 'serve') {
    io.err(
      command === undefined || command === 'help' || command === '--help'
        ? USAGE
        : `unknown command ${command}\n\n${USAGE}`,
    )
    if (command !== undefined && command !== 'help' && command !== '--help') process.exitCode = 2
    return undefined
  }
  const { values } = parseArgs({
    args: [...rest],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      nats: { type: 'string' },
      'jwt-secret': { type: 'string' },
      'jwks-url': { type: 'string' },
      'jwt-issuer': { type: 'string' },
      'jwt-audience': { type: 'string' },
      cors: { type: 'string' },
      schema: { type: 'string' },
      'no-dry-run': { type: 'boolean' },
      'log-level': { type: 'string' },
    },
    strict: true,
  })
  const given = values.port ?? process.env.PORT ?? '8787'
  const port = given.trim() === '' ? Number.NaN : Number(given)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(
      'bad_port',
      `${values.port === undefined && process.env.PORT !== undefined ? 'PORT' : '--port'} must be 0..65535, got ${JSON.stringify(given)}`,
    )
  const level = (values['log-level'] ?? 'info') as LogLevel
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level))
    throw new ConfigError('bad_log_level', `unknown --log-level ${level}`)
  const logger = jsonLogger({ level, write: (line) => process.stderr.write(`${line}\n`) })
  const db = values.db ?? process.env.DATABASE_URL ?? './strata.db'
  const secret = values['jwt-secret'] ?? process.env.STRATA_JWT_SECRET
  const jwksUrl = values['jwks-url']
  if (secret && jwksUrl)
    throw new ConfigError('bad_jwt_options', 'use either --jwt-secret or --jwks-url, not both')
  const jwtChecks = {
    ...(values['jwt-issuer'] ? { issuer: values['jwt-issuer'] } : {}),
    ...(values['jwt-audience'] ? { audience: values['jwt-audience'] } : {}),
  }
  const schema = values.schema ? await loadSchema(values.schema) : undefined
  const server = await startSyncServer({
    port,
    host: values.host ?? '127.0.0.1',
    db,
    logger,
    ...(values.nats ? { fanout: await natsFanout({ servers: values.nats, logger }) } : {}),
    ...(secret ? { jwt: { secret, ...jwtChecks } } : jwksUrl ? { jwt: { jwksUrl, ...jwtChecks } } : {}),
    ...(values.cors ? { cors: values.cors } : {}),
    ...(schema ? { schema } : {}),
    ...(values['no-dry-run'] ? { replicas: false } : {}),
  })
  io.out(
    `Strata sync server: ${server.wsUrl} (http ${server.url}, storage ${server.storage.kind}${server.storage.kind === 'sqlite' ? ` ${db}` : ''})`,
  )
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error })
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return server
}
