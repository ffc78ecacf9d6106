// Result checking shared by every case: a case throws CheckError the moment a system
// returns a wrong value or runs an effect a wrong number of times, so a fast wrong answer
// is reported as an error instead of a time.

export class CheckError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message)
    this.name = 'CheckError'
  }
}

/**
 * @param {string} what
 * @param {unknown} actual
 * @param {unknown} expected
 */
export function expectEqual(what, actual, expected) {
  if (actual !== expected) throw new CheckError(`${what}: expected ${expected}, got ${actual}`)
}
