import { expectTypeOf } from 'vitest'
import type { AckResult, ClientMessage, ConfirmedEvent, PushedEvent, ServerMessage } from './messages.js'

// A confirmed event is a pushed event with gseq.
expectTypeOf<ConfirmedEvent>().toMatchTypeOf<PushedEvent>()

// @ts-expect-error — a confirmed event needs gseq
const noGseq: ConfirmedEvent = { name: 'x', args: null, clientId: 'c', seq: 1 }

// @ts-expect-error — a rejected result needs a known code
const badCode: AckResult = { seq: 1, ok: false, code: 'nope', reason: '' }

// @ts-expect-error — a successful result needs gseq
const okNoGseq: AckResult = { seq: 1, ok: true }

// @ts-expect-error — hello needs a cursor
const helloNoCursor: ClientMessage = { t: 'hello', v: 1, storeId: 's', clientId: 'c' }

// @ts-expect-error — servers do not send hello
const serverHello: ServerMessage = { t: 'hello', v: 1, storeId: 's', clientId: 'c', cursor: 0 }

export { badCode, helloNoCursor, noGseq, okNoGseq, serverHello }
