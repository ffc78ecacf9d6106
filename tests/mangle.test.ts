/**
 * `packages/core/mangle.json` lists property names the build renames in the shipped
 * bundle (decision 0006). Renaming is safe only for names no user can reach, so this
 * walks the core's public type surface — every export of `src/index.ts`, the types of
 * its members, parameters and results — and fails if a listed name is a public member.
 * It also fails on a listed name the sources no longer use (a stale list hides nothing,
 * but would let a future public member with that name be silently renamed).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { mangledNames } from '../scripts/mangle.mjs'

const coreDir = new URL('../packages/core/', import.meta.url)
const names = new Set(mangledNames(coreDir))

function isInternal(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal'))
}

/** Public member names reachable from the entry's exports, with where they were found. */
function publicMembers(): Map<string, string> {
  const entry = fileURLToPath(new URL('src/index.ts', coreDir))
  const program = ts.createProgram([entry], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  })
  const checker = program.getTypeChecker()
  const found = new Map<string, string>()
  const seen = new Set<ts.Type>()
  const visit = (type: ts.Type, path: string, depth: number): void => {
    if (depth > 4 || seen.has(type)) return
    seen.add(type)
    if (type.isUnionOrIntersection()) for (const t of type.types) visit(t, path, depth)
    for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const p of sig.getParameters()) visit(checker.getTypeOfSymbol(p), `${path}(${p.name})`, depth + 1)
      visit(sig.getReturnType(), `${path}()`, depth + 1)
    }
    for (const prop of type.getProperties()) {
      // members of the platform's own types (String, Error, …) are not ours to rename
      const decls = prop.declarations ?? []
      if (decls.length > 0 && decls.every((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()))) continue
      if (isInternal(prop)) continue
      const where = `${path}.${prop.name}`
      if (!found.has(prop.name)) found.set(prop.name, where)
      visit(checker.getTypeOfSymbol(prop), where, depth + 1)
    }
  }
  const source = program.getSourceFile(entry)!
  for (let symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
    const name = symbol.name
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol)
    if (symbol.flags & ts.SymbolFlags.Value) visit(checker.getTypeOfSymbol(symbol), name, 0)
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
      visit(checker.getDeclaredTypeOfSymbol(symbol), name, 0)
    }
  }
  return found
}

describe('@strata/core mangle.json', () => {
  it('lists no public member of the API', () => {
    const members = publicMembers()
    // the walk really reaches the store contract, the map store and the errors
    for (const m of ['get', 'peek', 'set', 'update', 'subscribe', 'listen', 'setKey', 'nodes', 'code', 'equals']) {
      expect(members.has(m), m).toBe(true)
    }
    const clashes = [...names].filter((n) => members.has(n)).map((n) => members.get(n))
    expect(clashes).toEqual([])
  })

  it('lists only names the sources use as properties', () => {
    const src = new URL('src/', coreDir)
    const code = readdirSync(src)
      .filter((f) => f.endsWith('.ts') && !f.includes('.test'))
      .map((f) => readFileSync(new URL(f, src), 'utf8'))
      .join('\n')
    const unused = [...names].filter((n) => !new RegExp(`(\\.${n}\\b|\\b${n}[?!]?:)`).test(code))
    expect(unused).toEqual([])
  })
})
