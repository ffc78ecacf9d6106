// Module-level shared state (seed 002, "Module-Level Shared State": the PhilJS modal,
// 36 lines). With Strata it is one signal plus two functions and a computed, 19 lines,
// and any module can subscribe without a framework or context.
import { computed, signal } from '@strata/core'

interface ModalState {
  isOpen: boolean
  title: string
  content: string | null
}

const closed: ModalState = { isOpen: false, title: '', content: null }
const state = signal<ModalState>(closed)

export const modal = {
  state,
  isOpen: computed(() => state.get().isOpen),
  open: (title: string, content: string) => state.set({ isOpen: true, title, content }),
  close: () => state.set(closed),
}

export async function main(log: (...args: unknown[]) => void) {
  const seen: boolean[] = []
  const off = modal.isOpen.subscribe((open) => seen.push(open))
  modal.open('Delete project?', 'This cannot be undone.')
  log('open:', modal.isOpen.get(), modal.state.get().title)
  modal.close()
  log('after close:', modal.isOpen.get())
  off()
  return { seen, title: modal.state.get().title }
}
