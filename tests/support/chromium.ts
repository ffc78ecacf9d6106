/**
 * Test support for the real-browser tests: a static page server on a random loopback
 * port and headless Debian Chromium launched with the flags this machine needs. Shared by
 * the persist, store and sync browser tests so each file only says what its page does.
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'

/** Where `.ci/run` installs Chromium (Debian package `chromium`). */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Headless Chromium with the flags this sandbox needs (no sandbox as root; no background
 * networking, which a closed network refuses connection by connection).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** One file a {@link serveFiles} server answers with. */
export interface ServedFile {
  readonly type: string
  readonly body: string | Uint8Array | (() => string | Uint8Array)
}

/** A running {@link serveFiles} server. */
export interface FileServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  close(): Promise<void>
}

/**
 * Serves `files` by path (query strings ignored) from node:http on a random loopback
 * port; `/` answers with `files['/index.html']`, anything else unknown with 404.
 */
export async function serveFiles(files: Record<string, ServedFile>): Promise<FileServer> {
  const server = createServer((req, res) => {
    let path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path === '/') path = '/index.html'
    const file = files[path]
    if (!file) {
      res.writeHead(404).end()
      return
    }
    res
      .writeHead(200, { 'content-type': file.type })
      .end(typeof file.body === 'function' ? file.body() : file.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A page that loads `src` (default `/bundle.js`) as a module. */
export const moduleIndex = (title: string, src = '/bundle.js'): ServedFile => ({
  type: 'text/html',
  body: `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="${src}"></script>`,
})

const packageSource = (name: string) =>
  fileURLToPath(new URL(`../../packages/${name}/src/index.ts`, import.meta.url))

/**
 * Bundles a page script (ESM, browser, es2022) with the workspace packages it imports
 * taken from source, so a browser test needs no build.
 * @param entry absolute path of the page script
 * @returns the bundled JavaScript
 */
export async function bundlePage(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: {
      '@strata/core': packageSource('core'),
      '@strata/persist': packageSource('persist'),
      '@strata/store': packageSource('store'),
    },
  })
  return result.outputFiles[0]!.contents
}
