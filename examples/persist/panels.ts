/**
 * Seed 000 "FloatingPanelStore": panel configs persisted one entry per panel
 * (`persistentMap`, like nanostores' persistentMap), global manager settings persisted as
 * one entry, runtime drag state not persisted at all, and a computed view across them.
 * Moving one panel rewrites one small entry.
 */
import { computed, map } from '@strata/core'
import { persistent, persistentMap, type StorageEngine } from '@strata/persist'
import { z } from 'zod'

const panelSchema = z.object({
  id: z.string(),
  x: z.number(),
  y: z.number(),
  width: z.number(),
  open: z.boolean(),
})
export type PanelConfig = z.infer<typeof panelSchema>
export interface PanelManagerState {
  panelOrder: string[]
  globalZIndex: number
  settings: { enableAnimations: boolean; enableSnapping: boolean; snapThreshold: number }
}

/** The three stores of the seed plus the orchestration functions. */
export function createPanelStore(engine?: StorageEngine) {
  const opts = engine ? { engine } : {}
  const panelConfigs = persistentMap<Record<string, PanelConfig>>({}, 'floating-panels:', {
    ...opts,
    entrySchema: panelSchema,
    debounce: 100,
  })
  const panelManagerState = persistent<PanelManagerState>(
    {
      panelOrder: [],
      globalZIndex: 1000,
      settings: { enableAnimations: true, enableSnapping: true, snapThreshold: 50 },
    },
    'panel-manager-state',
    opts,
  )
  const runtime = map<Record<string, { isDragging: boolean }>>({})
  const openPanels = computed(() =>
    panelManagerState
      .get()
      .panelOrder.map((id) => panelConfigs.get()[id])
      .filter((p): p is PanelConfig => p?.open === true),
  )
  return {
    panelConfigs,
    panelManagerState,
    runtime,
    openPanels,
    openPanel(config: PanelConfig) {
      panelConfigs.setKey(config.id, { ...config, open: true })
      const s = panelManagerState.get()
      if (!s.panelOrder.includes(config.id))
        panelManagerState.set({ ...s, panelOrder: [...s.panelOrder, config.id] })
    },
    movePanel(id: string, x: number, y: number) {
      const p = panelConfigs.get()[id]
      if (p) panelConfigs.setKey(id, { ...p, x, y })
    },
    startDrag: (id: string) => runtime.setKey(id, { isDragging: true }),
    closePanel(id: string) {
      panelConfigs.setKey(id, undefined)
      const s = panelManagerState.get()
      panelManagerState.set({ ...s, panelOrder: s.panelOrder.filter((p) => p !== id) })
    },
    flush: () => Promise.all([panelConfigs.flush(), panelManagerState.flush()]),
  }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const { memoryEngine } = await import('@strata/persist')
  const engine = memoryEngine()
  const a = createPanelStore(engine)
  a.openPanel({ id: 'chat', x: 0, y: 0, width: 300, open: true })
  a.openPanel({ id: 'log', x: 320, y: 0, width: 200, open: true })
  a.startDrag('chat')
  a.movePanel('chat', 40, 60)
  await a.flush()
  log('stored keys:', engine.keys('floating-panels:').sort())
  const reloaded = createPanelStore(engine)
  log(
    'after reload:',
    reloaded.openPanels.get().map((p) => `${p.id}@${p.x},${p.y}`),
  )
  log('runtime state is not persisted:', reloaded.runtime.get())
}
