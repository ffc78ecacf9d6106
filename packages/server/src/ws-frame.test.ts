import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { wsTextFrame } from './ws-frame.js'

// ws's own framing, the reference (exposed on the CommonJS export, untyped).
const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] }
}

describe('wsTextFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000])(
    'frames %i bytes exactly as ws does for an unmasked text message',
    (n) => {
      const payload = Buffer.alloc(n, 0x61)
      const expected = Buffer.concat(
        Sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }),
      )
      expect(wsTextFrame(payload).equals(expected)).toBe(true)
    },
  )
})
