// Seed 002 "Module-Level Shared State": one modal, opened and closed from anywhere.
// Seed: 54 lines (state module + usage components in JSX). Strata: 14 lines for the module;
// the "components" are effects here, since this package is framework-free. The state can be
// reset (it is a `resettable`), and `isOpen` is a derived store, not a function to poll.
import { resettable } from '@strata/actions'
import { computed, effect } from '@strata/core'

interface ModalState {
  isOpen: boolean
  title: string
  content: string | null
}

const state = resettable<ModalState>({ isOpen: false, title: '', content: null })

export const modal = {
  state,
  isOpen: computed(() => state.get().isOpen),
  open: (title: string, content: string) => state.set({ isOpen: true, title, content }),
  close: () => state.reset(),
}

export async function main(log: (...args: unknown[]) => void) {
  const screen: string[] = []
  // A "Modal component" somewhere else in the app renders from the shared module.
  const stop = effect(() => {
    const s = modal.state.get()
    screen.push(s.isOpen ? `[${s.title}] ${s.content}` : '(no modal)')
  })
  modal.open('Confirm Action', 'Are you sure you want to continue?') // from a "ConfirmButton"
  const openWhileShown = modal.isOpen.get()
  modal.close()
  stop()
  log('screen:', screen)
  return { screen, openWhileShown, openAfter: modal.isOpen.get() }
}
