import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { indexedDbStorage } from './indexeddb.js'

describe('indexedDbStorage (fake-indexeddb)', () => {
  it('writes, lists, reads, replaces and removes files; a second connection sees them', async () => {
    const factory = new IDBFactory()
    const a = await indexedDbStorage('s', factory)
    expect(a.location).toBe('indexeddb:strata-store:s')
    await a.write('j-1', new Uint8Array([1, 2, 3]))
    await a.write('s-1', new Uint8Array([9]))
    await a.write('s-1', new Uint8Array([8, 8]))
    expect((await a.list()).sort()).toEqual(['j-1', 's-1'])
    expect(await a.read('s-1')).toEqual(new Uint8Array([8, 8]))
    expect(await a.read('missing')).toBeUndefined()
    await a.remove(['j-1', 'never-there'])
    const b = await indexedDbStorage('s', factory)
    expect(await b.list()).toEqual(['s-1'])
    expect(await (await indexedDbStorage('other', factory)).list()).toEqual([])
    a.close()
    b.close()
  })
})
