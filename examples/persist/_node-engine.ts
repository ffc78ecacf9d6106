// Users import the Node file engine as `import { fileEngine } from '@strata/persist/node'`.
// The examples reach that entry through its source path because the test runner's alias
// table maps only the package root; once `@strata/persist/node` is aliased there, the
// examples can import it by name.
export { fileEngine } from '../../packages/persist/src/node.js'
