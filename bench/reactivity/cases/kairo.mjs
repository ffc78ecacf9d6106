// The kairo workloads of js-reactivity-benchmark (deep, broad, diamond, triangle, mux,
// repeated observers, unstable, avoidable propagation), re-implemented over the adapter
// interface. Each `setup` builds one graph and returns `iter`, one pass of writes; every
// pass checks the values read and the number of effect runs against plain arithmetic,
// so a wrong system fails with a CheckError.
import { expectEqual } from './check.mjs'

/** @typedef {import('../adapters/index.d.mts').Adapter} Adapter */
/** @typedef {import('../adapters/index.d.mts').Readable<number>} Readable */

/** A fixed amount of plain work, standing in for an expensive computation. */
function busy() {
  let a = 0
  for (let i = 0; i < 100; i++) a++
  return a
}

/** A long chain: head → 50 computeds → one effect. @param {Adapter} s */
function deep(s) {
  const length = 50
  const head = s.signal(0)
  /** @type {Readable} */
  let current = head
  for (let i = 0; i < length; i++) {
    const previous = current
    current = s.computed(() => previous.read() + 1)
  }
  const tail = current
  let runs = 0
  s.effect(() => {
    tail.read()
    runs++
  })
  return () => {
    s.batch(() => head.write(1))
    runs = 0
    for (let i = 0; i < 50; i++) {
      s.batch(() => head.write(i))
      expectEqual('deep: tail', tail.read(), length + i)
    }
    expectEqual('deep: effect runs', runs, 50)
  }
}

/** One head feeding 50 short chains, each with its own effect. @param {Adapter} s */
function broad(s) {
  const head = s.signal(0)
  /** @type {Readable} */
  let last = head
  let runs = 0
  for (let i = 0; i < 50; i++) {
    const first = s.computed(() => head.read() + i)
    const second = s.computed(() => first.read() + 1)
    s.effect(() => {
      second.read()
      runs++
    })
    last = second
  }
  const end = last
  return () => {
    s.batch(() => head.write(1))
    runs = 0
    for (let i = 0; i < 50; i++) {
      s.batch(() => head.write(i))
      expectEqual('broad: last chain', end.read(), i + 50)
    }
    expectEqual('broad: effect runs', runs, 50 * 50)
  }
}

/** Five computeds on one head joined by a sum: the sum must run once per write. @param {Adapter} s */
function diamond(s) {
  const width = 5
  const head = s.signal(0)
  /** @type {Readable[]} */
  const sides = []
  for (let i = 0; i < width; i++) sides.push(s.computed(() => head.read() + 1))
  const sum = s.computed(() => {
    let total = 0
    for (const side of sides) total += side.read()
    return total
  })
  let runs = 0
  s.effect(() => {
    sum.read()
    runs++
  })
  return () => {
    s.batch(() => head.write(1))
    expectEqual('diamond: sum', sum.read(), 2 * width)
    runs = 0
    for (let i = 0; i < 500; i++) {
      s.batch(() => head.write(i))
      expectEqual('diamond: sum', sum.read(), (i + 1) * width)
    }
    expectEqual('diamond: effect runs', runs, 500)
  }
}

/** A chain of 10 whose every node also feeds one sum. @param {Adapter} s */
function triangle(s) {
  const width = 10
  const head = s.signal(0)
  /** @type {Readable[]} */
  const chain = []
  /** @type {Readable} */
  let current = head
  for (let i = 0; i < width; i++) {
    const previous = current
    chain.push(current)
    current = s.computed(() => previous.read() + 1)
  }
  const sum = s.computed(() => {
    let total = 0
    for (const node of chain) total += node.read()
    return total
  })
  let runs = 0
  s.effect(() => {
    sum.read()
    runs++
  })
  // chain holds head + 0 … head + 9, so the sum is 10·head + 45
  return () => {
    s.batch(() => head.write(1))
    expectEqual('triangle: sum', sum.read(), width + 45)
    runs = 0
    for (let i = 0; i < 100; i++) {
      s.batch(() => head.write(i))
      expectEqual('triangle: sum', sum.read(), width * i + 45)
    }
    expectEqual('triangle: effect runs', runs, 100)
  }
}

/** 100 heads merged into one object, split back into 100 computeds with effects. @param {Adapter} s */
function mux(s) {
  const size = 100
  /** @type {import('../adapters/index.d.mts').Writable<number>[]} */
  const heads = []
  for (let i = 0; i < size; i++) heads.push(s.signal(0))
  const merged = s.computed(() => Object.fromEntries(heads.map((head) => head.read()).entries()))
  /** @type {Readable[]} */
  const split = []
  let runs = 0
  for (let i = 0; i < size; i++) {
    const picked = s.computed(() => /** @type {number} */ (merged.read()[i]))
    const plusOne = s.computed(() => picked.read() + 1)
    split.push(plusOne)
    s.effect(() => {
      plusOne.read()
      runs++
    })
  }
  // plain-JS shadow of the heads: an effect must run once per head whose value changes
  const shadow = new Array(size).fill(0)
  return () => {
    runs = 0
    let expectedRuns = 0
    for (let pass = 1; pass <= 2; pass++) {
      for (let i = 0; i < 10; i++) {
        const value = i * pass
        if (shadow[i] !== value) expectedRuns++
        shadow[i] = value
        s.batch(() => heads[i]?.write(value))
        expectEqual('mux: split', split[i]?.read(), value + 1)
      }
    }
    expectEqual('mux: effect runs', runs, expectedRuns)
  }
}

/** One computed reading the same head 30 times. @param {Adapter} s */
function repeatedObservers(s) {
  const size = 30
  const head = s.signal(0)
  const current = s.computed(() => {
    let total = 0
    for (let i = 0; i < size; i++) total += head.read()
    return total
  })
  let runs = 0
  s.effect(() => {
    current.read()
    runs++
  })
  return () => {
    s.batch(() => head.write(1))
    expectEqual('repeated: value', current.read(), size)
    runs = 0
    for (let i = 0; i < 100; i++) {
      s.batch(() => head.write(i))
      expectEqual('repeated: value', current.read(), i * size)
    }
    expectEqual('repeated: effect runs', runs, 100)
  }
}

/** A computed whose dependencies flip between two sets on every write. @param {Adapter} s */
function unstable(s) {
  const head = s.signal(0)
  const double = s.computed(() => head.read() * 2)
  const inverse = s.computed(() => -head.read())
  const current = s.computed(() => {
    let total = 0
    for (let i = 0; i < 20; i++) total += head.read() % 2 ? double.read() : inverse.read()
    return total
  })
  let runs = 0
  let seen = 0
  s.effect(() => {
    seen = current.read()
    runs++
  })
  return () => {
    s.batch(() => head.write(1))
    expectEqual('unstable: value', seen, 40)
    runs = 0
    for (let i = 0; i < 100; i++) {
      s.batch(() => head.write(i))
      // the effect saw the value it was notified for: 20·2i for odd i, 20·(−i) for even i
      expectEqual('unstable: value', seen, i % 2 ? 40 * i : -20 * i)
    }
    expectEqual('unstable: effect runs', runs, 100)
  }
}

/** A change absorbed early in a chain: nothing after the absorbing node may re-run. @param {Adapter} s */
function avoidablePropagation(s) {
  const head = s.signal(0)
  let firstRuns = 0
  let heavyRuns = 0
  let effectRuns = 0
  const c1 = s.computed(() => {
    firstRuns++
    return head.read()
  })
  const c2 = s.computed(() => {
    c1.read()
    return 0
  })
  const c3 = s.computed(() => {
    heavyRuns++
    busy()
    return c2.read() + 1
  })
  const c4 = s.computed(() => c3.read() + 2)
  const c5 = s.computed(() => c4.read() + 3)
  s.effect(() => {
    c5.read()
    effectRuns++
    busy()
  })
  let shadow = 0
  return () => {
    firstRuns = heavyRuns = effectRuns = 0
    let changes = 0
    const write = (/** @type {number} */ value) => {
      if (shadow !== value) changes++
      shadow = value
      s.batch(() => head.write(value))
      expectEqual('avoidable: tail', c5.read(), 6)
    }
    write(1)
    for (let i = 0; i < 1000; i++) write(i)
    // the head changes on every write, so c1 re-runs each time; c2 absorbs it
    expectEqual('avoidable: head reader runs', firstRuns, changes)
    expectEqual('avoidable: heavy computed runs', heavyRuns, 0)
    expectEqual('avoidable: effect runs', effectRuns, 0)
  }
}

const setups = {
  deep,
  broad,
  diamond,
  triangle,
  mux,
  repeated: repeatedObservers,
  unstable,
  avoidable: avoidablePropagation,
}

/**
 * The kairo cases. A sample times `scale.kairoLoops` passes over one graph.
 * @type {import('./index.d.mts').Case[]}
 */
export const kairoCases = Object.entries(setups).map(([short, setup]) => ({
  name: `kairo/${short}`,
  kind: 'kairo',
  prepare(adapter, scale) {
    const { result: iter, dispose } = adapter.root(() => setup(adapter))
    return {
      sample() {
        const start = performance.now()
        for (let i = 0; i < scale.kairoLoops; i++) iter()
        return performance.now() - start
      },
      dispose,
    }
  },
}))
