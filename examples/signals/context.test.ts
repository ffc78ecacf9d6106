import { describe, expect, it } from 'vitest'
import {
  createUserState,
  darkTheme,
  header,
  lightTheme,
  main,
  mountApp,
  NoProviderError,
  ThemeContext,
  themeToggle,
  UserContext,
} from './context.js'

describe('context as scoped store instances (seed 002 Context)', () => {
  it('providers give consumers their state; a nested theme overrides; unmount stops effects', async () => {
    const out = await main(() => undefined)
    expect(out.before).toEqual(['Login', 'Current: light', 'Current: dark', lightTheme.backgroundColor])
    expect(out.after).toEqual(['Welcome, Ada', 'Current: dark', 'Current: dark', darkTheme.backgroundColor])
    expect(out.rootBackgroundAfterUnmount).toBe(darkTheme.backgroundColor)
    expect(out.sidebarStyle.get('--textColor')).toBe(darkTheme.textColor)
  })

  it('two providers hold independent user stores', () => {
    const a = mountApp(new Map(), () => header())
    const b = mountApp(new Map(), () => header())
    a.view.login({ id: 'u1', name: 'Ada', role: 'user' })
    expect([a.view.text.get(), b.view.text.get()]).toEqual(['Welcome, Ada', 'Login'])
    a.unmount()
    b.unmount()
  })

  it('the inner provider is restored to the outer one after it returns', () => {
    const outer = createUserState()
    const inner = createUserState()
    const seen = UserContext.provide(outer, () => {
      const first = UserContext.use()
      const nested = UserContext.provide(inner, () => UserContext.use())
      return [first, nested, UserContext.use()]
    })
    expect(seen).toEqual([outer, inner, outer])
  })

  it('theme CSS variables follow the toggle while mounted', () => {
    const style = new Map<string, string>()
    const app = mountApp(style, () => themeToggle())
    const backgrounds = [style.get('--backgroundColor')]
    app.view.toggle()
    backgrounds.push(style.get('--backgroundColor'))
    app.view.toggle()
    backgrounds.push(style.get('--backgroundColor'))
    app.unmount()
    expect(backgrounds).toEqual([
      lightTheme.backgroundColor,
      darkTheme.backgroundColor,
      lightTheme.backgroundColor,
    ])
  })

  it('use() outside a provider is a typed error naming the context', () => {
    expect(() => ThemeContext.use()).toThrow(NoProviderError)
    expect(() => UserContext.use()).toThrow('UserContext.use() called outside UserContext.provide()')
  })

  it('a throwing setup still restores the outer provider', () => {
    const outer = createUserState()
    const got = UserContext.provide(outer, () => {
      expect(() =>
        UserContext.provide(createUserState(), () => {
          throw new Error('boom')
        }),
      ).toThrow('boom')
      return UserContext.use()
    })
    expect(got).toBe(outer)
  })
})
