// Deterministic pseudo-random numbers for building the dynamic graphs.
// The generator is sfc32 (PractRand) seeded through a MurmurHash3-style string hash —
// both public-domain algorithms — so every system, and the plain-JS reference, build the
// exact same graph from the same seed.

/**
 * A seeded random source returning floats in [0, 1).
 * @param {string} [seed]
 * @returns {() => number}
 */
export function seededRandom(seed = 'seed') {
  const next = stringHash(seed)
  return sfc32(next(), next(), next(), next())
}

/** @param {string} text @returns {() => number} a stream of 32-bit hash values */
function stringHash(text) {
  let h = 2166136261 >>> 0
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 3432918353)
    k = (k << 15) | (k >>> 17)
    h ^= Math.imul(k, 461845907)
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 3864292196) | 0
  }
  h ^= text.length
  return () => {
    h ^= h >>> 16
    h = Math.imul(h, 2246822507)
    h ^= h >>> 13
    h = Math.imul(h, 3266489909)
    h ^= h >>> 16
    return h >>> 0
  }
}

/** @returns {() => number} */
function sfc32(a, b, c, d) {
  return () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
}
