/** Types of `mangle.mjs` (imported by the TypeScript size and mangle tests). */
export function mangleOptions(packageDir: URL): { mangleProps?: RegExp; mangleQuoted?: boolean }
/** The internal property names a package lists in its `mangle.json` (empty without one). */
export function mangledNames(packageDir: URL): string[]
