/**
 * Child process for the kill -9 test: commits batches in a loop to a file store and
 * prints the last fully committed batch number until it is killed.
 */
import { createStore } from '../src/index.js'
import { nodeAdapter } from '../src/node.js'
import { events, schema } from './fixtures.js'

const dir = process.argv[2] as string
const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'kill' })
for (let b = 0; ; b++) {
  // Each commit: 5 creates + 1 completion — all or nothing.
  store.commit(
    ...Array.from({ length: 5 }, (_, i) => events.todoCreated({ id: `b${b}-${i}`, title: `batch ${b}` })),
    events.todoCompleted({ id: `b${b}-0` }),
  )
  if (b % 50 === 0) process.stdout.write(`${b}\n`)
}
