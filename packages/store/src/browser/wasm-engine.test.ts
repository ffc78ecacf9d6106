import { describe, expect, it } from 'vitest'
import { wasmEngine } from '../../test/browser-support.js'
import { WasmEngineError } from './errors.js'

describe('WASM SQLite engine', () => {
  it('runs statements synchronously with positional parameters', async () => {
    const engine = await wasmEngine()
    engine.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, b BLOB, flag INTEGER)')
    const insert = engine.prepare('INSERT INTO t VALUES (?, ?, ?, ?)')
    expect(insert.readonly).toBe(false)
    expect(insert.run(['a', 1, new Uint8Array([1, 2]), true])).toEqual({ changes: 1 })
    insert.run(['b', 2, null, false])
    const select = engine.prepare('SELECT * FROM t ORDER BY id')
    expect(select.readonly).toBe(true)
    expect(select.all()).toEqual([
      { id: 'a', n: 1, b: new Uint8Array([1, 2]), flag: 1 },
      { id: 'b', n: 2, b: null, flag: 0 },
    ])
    expect(engine.prepare('SELECT n FROM t WHERE id = ?').get(['b'])).toEqual({ n: 2 })
    expect(engine.prepare('SELECT n FROM t WHERE id = ?').get(['zz'])).toBeUndefined()
    engine.close()
  })

  it('reports SQLite errors as WasmEngineError naming the statement, and stays usable', async () => {
    const engine = await wasmEngine()
    engine.exec('CREATE TABLE t (id TEXT PRIMARY KEY)')
    const insert = engine.prepare('INSERT INTO t VALUES (?)')
    insert.run(['a'])
    expect(() => insert.run(['a'])).toThrow(WasmEngineError)
    expect(() => insert.run(['a'])).toThrow(/UNIQUE constraint failed.*INSERT INTO t/)
    insert.run(['b'])
    expect(engine.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 2 })
    expect(() => engine.prepare('SELEC nonsense')).toThrow(WasmEngineError)
    engine.close()
  })

  it('serializes to an image and deserializes it into another engine', async () => {
    const a = await wasmEngine()
    a.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), ('three')")
    const image = a.serialize()
    expect(new TextDecoder().decode(image.subarray(0, 15))).toBe('SQLite format 3')
    const b = await wasmEngine()
    b.exec('CREATE TABLE other (y)')
    b.deserialize(image)
    expect(b.prepare('SELECT x FROM t').all()).toEqual([{ x: 1 }, { x: 2 }, { x: 'three' }])
    b.exec('INSERT INTO t VALUES (4)')
    expect(b.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 4 })
    a.close()
    b.close()
  })
})
