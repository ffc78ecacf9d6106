// Map store with key listening (the nanostores `map` + `listenKeys` that seed 000's
// hybrid stores are built on: a settings object written key by key, with a listener
// that must only wake up for the keys it cares about). 17 lines with Strata's `map`.
import { listenKeys, map } from '@strata/core'

export interface Settings {
  theme: 'light' | 'dark'
  language: string
  apiKey?: string
}

export const settings = map<Settings>({ theme: 'light', language: 'en' })

export async function main(log: (...args: unknown[]) => void) {
  const saved: string[] = []
  const off = listenKeys(settings, ['apiKey'], (value, _old, key) =>
    saved.push(`${key}=${value.apiKey ?? '(deleted)'}`),
  )
  settings.setKey('theme', 'dark') // not a listened key
  settings.setKey('apiKey', 'k-123')
  settings.setKey('apiKey', undefined) // undefined deletes the key
  log('saved:', saved, 'settings:', settings.get())
  off()
  return { saved, settings: settings.get() }
}
