// Seed 000 §3 "Multi-Atom Orchestration": floating panels across persisted config, manager
// state, runtime state and computeds, coordinated by createPanel/deletePanel.
// Seed: 84 lines. Strata: 48 lines. Each orchestration runs in one `batch`, so observers of
// several stores never see a panel that exists in one store and not yet in the other.
import { batch, computed, map, signal } from '@strata/core'

export interface Panel {
  id: string
  position: { x: number; y: number }
  isVisible: boolean
  zIndex: number
}
interface Manager {
  panelOrder: string[]
  globalZIndex: number
  activePanel: string | undefined
}

export function createPanels() {
  const panelConfigs = map<Partial<Record<string, Panel>>>({})
  const manager = signal<Manager>({ panelOrder: [], globalZIndex: 1000, activePanel: undefined })
  const runtime = map<Partial<Record<string, { isDragging: boolean }>>>({})
  const visiblePanels = computed(() =>
    Object.values(panelConfigs.get()).filter((p): p is Panel => !!p?.isVisible),
  )
  const topPanel = computed(() =>
    visiblePanels.get().reduce<Panel | null>((top, p) => (top && top.zIndex > p.zIndex ? top : p), null),
  )

  const createPanel = (id: string, options: Partial<Panel> = {}): Panel =>
    batch(() => {
      const m = manager.peek()
      const panel: Panel = {
        id,
        position: { x: 0, y: 0 },
        isVisible: false,
        ...options,
        zIndex: m.globalZIndex + 1,
      }
      panelConfigs.setKey(id, panel)
      manager.set({ ...m, panelOrder: [...m.panelOrder, id], globalZIndex: panel.zIndex })
      return panel
    })

  const deletePanel = (id: string) =>
    batch(() => {
      panelConfigs.setKey(id, undefined)
      runtime.setKey(id, undefined)
      manager.update((m) => ({
        ...m,
        activePanel: m.activePanel === id ? undefined : m.activePanel,
        panelOrder: m.panelOrder.filter((p) => p !== id),
      }))
    })

  return { panelConfigs, manager, runtime, visiblePanels, topPanel, createPanel, deletePanel }
}

export async function main(log: (...args: unknown[]) => void) {
  const p = createPanels()
  const inconsistencies: string[] = []
  // An observer reading two stores: it must never see them disagree.
  const stop = p.manager.listen((m) => {
    for (const id of m.panelOrder) if (!p.panelConfigs.peek()[id]) inconsistencies.push(id)
  })
  p.createPanel('chat', { isVisible: true })
  p.createPanel('notes', { isVisible: true })
  p.createPanel('debug')
  p.runtime.setKey('notes', { isDragging: true })
  log(
    'top panel:',
    p.topPanel.get()?.id,
    'visible:',
    p.visiblePanels.get().map((x) => x.id),
  )
  p.deletePanel('notes')
  stop()
  log('after delete, top panel:', p.topPanel.get()?.id)
  return {
    order: p.manager.get().panelOrder,
    top: p.topPanel.get()?.id,
    visible: p.visiblePanels.get().map((x) => x.id),
    runtime: p.runtime.get(),
    inconsistencies,
  }
}
