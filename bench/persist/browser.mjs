// Runs browser-entry.mjs in headless Chromium (if /usr/bin/chromium exists): bundles it
// with esbuild, serves it from a local node:http server on port 0, returns its rows.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'

export async function runInChromium({ rounds, warmup }) {
  if (!existsSync(CHROMIUM)) {
    console.log('chromium not found: skipping the browser engines')
    return []
  }
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-persist-browser-'))
  const server = createServer((req, res) => {
    if (req.url === '/bundle.mjs') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(dir, 'bundle.mjs')))
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bundle.mjs"></script>')
    }
  })
  let browser
  try {
    await build({
      entryPoints: [new URL('./browser-entry.mjs', import.meta.url).pathname],
      bundle: true,
      minify: false,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'bundle.mjs'),
      logLevel: 'silent',
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${server.address().port}/`)
    await page.waitForFunction(() => globalThis.benchLoaded === true, undefined, { timeout: 60_000 })
    page.setDefaultTimeout(0)
    return await page.evaluate((cfg) => globalThis.runBench(cfg), { rounds, warmup })
  } finally {
    await browser?.close()
    server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
