// Process helpers of the sync benchmark: spawn a role in its own process and talk to it.
import { fork } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/** Forks `script` with IPC; resolves with the child and its first stdout JSON line. */
export async function spawnRole(script, args = [], { gc = false } = {}) {
  const child = fork(`${here}${script}`, args, {
    cwd: here,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: gc ? ['--expose-gc'] : [],
  })
  const first = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.once('line', (l) => resolve(JSON.parse(l)))
    child.once('exit', (code) => reject(new Error(`${script} exited early with ${code}`)))
  })
  return { child, info: first }
}

/** Sends `message` and waits for the reply whose `t` is `type`. */
export function ask(child, message, type) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m && m.t === type) {
        child.off('message', on)
        resolve(m)
      }
    }
    child.on('message', on)
    child.send(message)
  })
}

/** Waits for one IPC message of type `type`. */
export function waitFor(child, type) {
  return new Promise((resolve, reject) => {
    const on = (m) => {
      if (m && m.t === type) {
        child.off('message', on)
        resolve(m)
      }
    }
    child.on('message', on)
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before ${type}`)))
  })
}

export async function stop(child) {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  try {
    child.send('stop')
  } catch {
    child.kill('SIGKILL')
  }
  const t = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(t)
}

export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
