// Seed 002 "Custom Hook Pattern": useToggle and usePagination as reusable state factories.
// Seed: 74 lines (two hooks + a JSX usage). Strata: 27 lines. Same shape; the page is clamped
// through a computed so shrinking the item list can never leave the current page out of range
// (the seed's `items` is a plain array captured once, so it cannot shrink at all).
import { computed, type ReadableStore, signal } from '@strata/core'

export function useToggle(initial = false) {
  const value = signal(initial)
  return {
    value,
    toggle: () => value.update((v) => !v),
    setTrue: () => value.set(true),
    setFalse: () => value.set(false),
  }
}

export function usePagination<T>(items: ReadableStore<readonly T[]>, pageSize = 10) {
  const requested = signal(1)
  const totalPages = computed(() => Math.max(1, Math.ceil(items.get().length / pageSize)))
  const currentPage = computed(() => Math.min(Math.max(1, requested.get()), totalPages.get()))
  const paginatedItems = computed(() =>
    items.get().slice((currentPage.get() - 1) * pageSize, currentPage.get() * pageSize),
  )
  const goToPage = (page: number) => requested.set(Math.max(1, Math.min(page, totalPages.peek())))
  return {
    currentPage,
    totalPages,
    paginatedItems,
    goToPage,
    nextPage: () => goToPage(currentPage.peek() + 1),
    prevPage: () => goToPage(currentPage.peek() - 1),
  }
}

export async function main(log: (...args: unknown[]) => void) {
  const products = signal(Array.from({ length: 30 }, (_, i) => `product-${i + 1}`))
  const pager = usePagination(products, 12)
  const pages: string[] = []
  const stop = pager.paginatedItems.subscribe((p) =>
    pages.push(`${pager.currentPage.peek()}:${p[0]}…${p.at(-1)}`),
  )
  pager.nextPage()
  pager.nextPage()
  pager.nextPage() // already last: no change
  products.set(products.peek().slice(0, 5)) // the list shrinks: the page follows
  stop()
  const details = useToggle()
  details.toggle()
  details.toggle()
  details.setTrue()
  log('pages seen:', pages, 'details open:', details.value.get())
  return {
    pages,
    page: pager.currentPage.get(),
    totalPages: pager.totalPages.get(),
    open: details.value.get(),
  }
}
