// Seed 002 "Global State with Context" (Basic Context, Signal Context, Multiple Contexts,
// Theme Context with CSS Variables). Seed: 179 code lines of JSX providers and hooks.
// Strata: 80 lines for all four, with the context mechanism itself included.
//
// How the seed maps here. Strata core has no component tree, so there is nothing for a
// `<Provider>` to attach to. What a context really does is (1) choose which *instance*
// of some state the code set up beneath it sees, (2) let an inner provider override an
// outer one, (3) tear that state down with the subtree. Here:
// - `createContext<T>(name)` is a typed slot; `ctx.provide(value, setup)` makes `value`
//   what `ctx.use()` returns while `setup` runs — synchronously, exactly like a provider
//   rendering its children. Nested `provide` calls override and restore on the way out.
// - The "signal context" value is a factory (`createUserState`) that makes fresh stores
//   per provider, so two apps (or two tests) never share state; the seed's
//   `createContext(createUserContext())` default instance is a module singleton instead.
// - Effects created while providing (the theme's CSS variables) run inside an
//   `effectScope`; disposing it is unmounting the provider.
// - `use()` with no provider throws `NoProviderError` instead of silently returning the
//   seed's no-op default (`setTheme: () => {}` that drops every call).
import { type Computed, computed, effect, effectScope, type Signal, signal } from '@strata/core'

/** `ctx.use()` was called outside any `ctx.provide(...)`. */
export class NoProviderError extends Error {
  readonly code = 'NO_PROVIDER'
  constructor(readonly context: string) {
    super(`${context}.use() called outside ${context}.provide()`)
    this.name = 'NoProviderError'
  }
}

/** A typed context slot: `provide` a value for the duration of a setup, `use` it inside. */
export interface Context<T> {
  provide<R>(value: T, setup: () => R): R
  use(): T
}

/** Create a context; `name` appears in the error when `use()` has no provider. */
export function createContext<T>(name: string): Context<T> {
  const stack: T[] = []
  return {
    provide(value, setup) {
      stack.push(value)
      try {
        return setup()
      } finally {
        stack.pop()
      }
    },
    use() {
      if (stack.length === 0) throw new NoProviderError(name)
      return stack[stack.length - 1] as T
    },
  }
}

// Signal context: each provider gets its own stores.
export interface User {
  id: string
  name: string
  role: 'user' | 'admin'
}
/** The user "signal context": fresh stores for each provider. */
export function createUserState() {
  const user = signal<User | null>(null)
  return {
    user,
    isAuthenticated: computed(() => user.get() !== null),
    isAdmin: computed(() => user.get()?.role === 'admin'),
    login: (u: User) => user.set(u),
    logout: () => user.set(null),
    updateProfile: (patch: Partial<User>) => user.update((u) => u && { ...u, ...patch }),
  }
}
export const UserContext = createContext<ReturnType<typeof createUserState>>('UserContext')

// Theme context with CSS variables: `style` stands in for an element's style declaration.
export const lightTheme = { primaryColor: '#af4bcc', backgroundColor: '#ffffff', textColor: '#333333' }
export const darkTheme = { primaryColor: '#a29bfe', backgroundColor: '#1a1a1a', textColor: '#e0e0e0' }
export interface ThemeState {
  isDark: Signal<boolean>
  theme: Computed<typeof lightTheme>
  toggle(): void
}
/** Theme state for one provider; writes the theme as CSS variables into `style` while its scope lives. */
export function createThemeState(style: Map<string, string>, dark = false): ThemeState {
  const isDark = signal(dark)
  const theme = computed(() => (isDark.get() ? darkTheme : lightTheme))
  effect(() => {
    for (const [key, value] of Object.entries(theme.get())) style.set(`--${key}`, value)
  })
  return { isDark, theme, toggle: () => isDark.update((d) => !d) }
}
export const ThemeContext = createContext<ThemeState>('ThemeContext')

// Multiple contexts: one function provides both; the scope is the app's lifetime.
/** Provide user and theme to `setup` (the seed's `AppProviders`); `unmount` disposes the scope. */
export function mountApp<R>(style: Map<string, string>, setup: () => R): { view: R; unmount: () => void } {
  let view: { value: R } | undefined
  const unmount = effectScope(() => {
    const user = createUserState()
    const theme = createThemeState(style)
    view = { value: UserContext.provide(user, () => ThemeContext.provide(theme, setup)) }
  })
  return { view: (view as { value: R }).value, unmount }
}

// "Components": setup functions that read their context once and return reactive views.
/** The seed's Header: a welcome line derived from the user context. */
export function header() {
  const { user, isAuthenticated, login, logout } = UserContext.use()
  const text = computed(() => (isAuthenticated.get() ? `Welcome, ${user.get()?.name}` : 'Login'))
  return { text, login, logout }
}
/** The seed's ThemeToggle: a label derived from the nearest theme provider. */
export function themeToggle() {
  const { isDark, toggle } = ThemeContext.use()
  return { label: computed(() => `Current: ${isDark.get() ? 'dark' : 'light'}`), toggle }
}

export async function main(log: (...args: unknown[]) => void) {
  const rootStyle = new Map<string, string>()
  const sidebarStyle = new Map<string, string>()
  const app = mountApp(rootStyle, () => ({
    header: header(),
    toggle: themeToggle(),
    // Nested provider: the sidebar is always dark, whatever the app theme is.
    sidebar: ThemeContext.provide(createThemeState(sidebarStyle, true), () => themeToggle()),
  }))
  const { header: h, toggle, sidebar } = app.view
  const before = [h.text.get(), toggle.label.get(), sidebar.label.get(), rootStyle.get('--backgroundColor')]
  h.login({ id: 'u1', name: 'Ada', role: 'admin' })
  toggle.toggle()
  const after = [h.text.get(), toggle.label.get(), sidebar.label.get(), rootStyle.get('--backgroundColor')]
  app.unmount()
  toggle.toggle() // unmounted: the CSS variable effect no longer runs
  log('before:', before, 'after:', after)
  return { before, after, rootBackgroundAfterUnmount: rootStyle.get('--backgroundColor'), sidebarStyle }
}
