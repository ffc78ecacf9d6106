/**
 * The esbuild options that rename a package's internal property names, shared by the
 * build (`scripts/bundle-core.mjs`) and the size test so both produce the same code.
 * A package opts in with a `mangle.json` (`{ "props": ["flags", …] }`); decision 0006.
 */
import { existsSync, readFileSync } from 'node:fs'

/**
 * @param {URL} packageDir - the package folder, ending in `/`
 * @returns {{ mangleProps?: RegExp, mangleQuoted?: boolean }} options to spread into an esbuild build
 */
export function mangleOptions(packageDir) {
  const props = mangledNames(packageDir)
  if (props.length === 0) return {}
  return { mangleProps: new RegExp(`^(?:${props.join('|')})$`), mangleQuoted: false }
}

/**
 * @param {URL} packageDir - the package folder, ending in `/`
 * @returns {string[]} the internal property names its `mangle.json` lists (none without one)
 */
export function mangledNames(packageDir) {
  const file = new URL('mangle.json', packageDir)
  if (!existsSync(file)) return []
  const { props } = /** @type {{ props: unknown }} */ (JSON.parse(readFileSync(file, 'utf8')))
  if (!Array.isArray(props) || props.some((p) => typeof p !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(p))) {
    throw new Error(`${file.pathname}: "props" must be a list of property names`)
  }
  return props
}
