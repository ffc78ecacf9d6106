// Factory stores with bound methods (seed 000, "Factory Pattern": a ChatStore class plus
// a factory that `.bind`s every method, 45 lines; seed 002 "Factory Store": the todo
// store, 50 lines). In Strata a factory returns stores and closures: nothing to bind,
// destructuring is safe, and each call gets independent state. 31 lines.
import { computed, signal } from '@strata/core'

export interface Todo {
  id: number
  text: string
  completed: boolean
}

export function createTodoStore() {
  let nextId = 1
  const todos = signal<Todo[]>([])
  const filter = signal<'all' | 'active' | 'completed'>('all')
  const visible = computed(() => {
    const all = todos.get()
    const f = filter.get()
    return f === 'all' ? all : all.filter((t) => t.completed === (f === 'completed'))
  })
  const activeCount = computed(() => todos.get().filter((t) => !t.completed).length)
  return {
    todos,
    filter,
    visible,
    activeCount,
    add: (text: string) => todos.update((list) => [...list, { id: nextId++, text, completed: false }]),
    toggle: (id: number) =>
      todos.update((list) => list.map((t) => (t.id === id ? { ...t, completed: !t.completed } : t))),
    remove: (id: number) => todos.update((list) => list.filter((t) => t.id !== id)),
  }
}

export async function main(log: (...args: unknown[]) => void) {
  // destructured methods keep working: they close over the store, no `this`
  const { add, toggle, remove, visible, activeCount, filter } = createTodoStore()
  add('write docs')
  add('ship core')
  add('celebrate')
  toggle(2)
  remove(3)
  filter.set('active')
  log(
    'active:',
    activeCount.get(),
    visible.get().map((t) => t.text),
  )
  const other = createTodoStore()
  return {
    active: activeCount.get(),
    visible: visible.get().map((t) => t.text),
    otherCount: other.todos.get().length,
  }
}
