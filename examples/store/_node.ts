// Users import the Node drivers as `import { nodeAdapter, memoryAdapter } from '@strata/store/node'`.
// The examples import the same module from its source because the root path table
// (tsconfig paths / vitest aliases) maps only the package root; once
// `@strata/store/node` is aliased there, this file can re-export from the package name.
export { makeTestAdapter, memoryAdapter, nodeAdapter } from '../../packages/store/src/node.js'
