/**
 * A complete WebSocket text frame as a server sends it (RFC 6455 §5.2: FIN, opcode 1,
 * no mask, no extension bits), so one fan-out builds the frame once and every socket
 * writes the same bytes. `ws` would build a header per socket and write header and
 * payload separately; on 100 loopback sockets the shared frame measured 0.55 ms
 * against 0.64 ms through `ws.send` (decision 0057).
 */

/**
 * Frames `payload` (UTF-8 JSON text) as one unmasked, unfragmented text frame.
 * @param payload - the message bytes
 * @returns header and payload in one buffer
 * @example
 * socket.write(wsTextFrame(Buffer.from('{"t":"events","events":[],"head":0}')))
 */
export function wsTextFrame(payload: Buffer): Buffer {
  const n = payload.length
  const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + n)
  frame[0] = 0x81 // FIN + text
  if (n < 126) frame[1] = n
  else if (n < 65_536) {
    frame[1] = 126
    frame.writeUInt16BE(n, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2)
    frame.writeUInt32BE(n >>> 0, 6)
  }
  payload.copy(frame, headerLength)
  return frame
}
