// Strata on the browser driver in headless Chromium (WASM SQLite + OPFS journal), as an
// extra section of `npm run bench:store` (LiveStore's web adapter needs a SharedWorker
// build setup this harness does not have, so this section is Strata only).
//   node bench/store/browser.mjs <resultFile>
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'
const [, , resultFile] = process.argv
if (!existsSync(CHROMIUM)) {
  writeFileSync(resultFile, JSON.stringify({ error: `${CHROMIUM} missing` }))
  process.exit(0)
}
const require = createRequire(import.meta.url)
const wasm = readFileSync(
  join(dirname(require.resolve('@sqlite.org/sqlite-wasm/package.json')), 'sqlite-wasm/jswasm/sqlite3.wasm'),
)
const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./browser-page.mjs', import.meta.url))],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
  define: { 'process.env.STRATA_BENCH_QUICK': JSON.stringify(process.env.STRATA_BENCH_QUICK ?? '') },
})
const js = bundle.outputFiles[0].contents
const server = createServer((req, res) => {
  if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
  else if (req.url === '/sqlite3.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm)
  else
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<script type="module" src="/bundle.js"></script>')
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${server.address().port}/`)
  await page.waitForFunction(() => 'strataBench' in globalThis)
  const quick = process.env.STRATA_BENCH_QUICK === '1'
  const single = await page.evaluate((cap) => globalThis.strataBench.single(cap), quick ? 1000 : 10_000)
  const batched = await page.evaluate(() => globalThis.strataBench.batched())
  await page.reload()
  await page.waitForFunction(() => 'strataBench' in globalThis)
  const boot = await page.evaluate(() => globalThis.strataBench.boot())
  writeFileSync(resultFile, JSON.stringify({ single, batched, boot }))
} finally {
  await browser.close()
  server.close()
}
