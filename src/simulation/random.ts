/**
 * Random streams for reproducible, thread-count-independent Monte Carlo.
 *
 * Every stream is keyed: (seed, purpose, run index, person index, ...) is hashed into the
 * 128-bit state of a xoshiro128** generator (Blackman and Vigna, 2018). So run r of person i
 * gets the same numbers whichever worker computes it, in whatever order — which is what makes
 * a seed reproduce a run bit for bit on 1, 2 or 40 threads, and what gives common random numbers
 * across plans and strategies: the same key, the same stream.
 */

/** A 32-bit finaliser with low bias (Wellons, "Prospecting for hash functions", 2018). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** mix32 as a signed 32-bit word (mix32(x) = mixSigned(x) >>> 0): a small integer for V8 more often. */
function mixSigned(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return x ^ (x >>> 16);
}

/**
 * Writes into `state` the xoshiro128** state keyed by (prefix, k3, k4): what
 * Xoshiro128.reseedFrom sets (it calls this). Returns nothing, so nothing is boxed.
 */
function seedState(state: Int32Array, prefix: number, k3: number, k4: number): void {
  let h = mixSigned(prefix ^ Math.imul(k3 + 0x5bd1e995, 0x7feb352d)) >>> 0;
  h = mixSigned(h ^ Math.imul(k4 + 0x68e31da4, 0x846ca68b)) >>> 0;
  state[0] = mixSigned(h + 0x9e3779b9);
  state[1] = mixSigned(h + 0x3c6ef372);
  state[2] = mixSigned(h + 0xdaa66d2b);
  state[3] = mixSigned(h + 0x78dde6e4);
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
}

/**
 * out[from..to) = the stream's next open uniforms, nextOpenDouble's values in order, stepping
 * `state` in place: Xoshiro128.nextUint32 and nextDouble written out with locals (the same
 * operations), so no word or double leaves through a return.
 */
function drawOpenDoubles(state: Int32Array, out: Float64Array, from: number, to: number): void {
  let s0 = state[0];
  let s1 = state[1];
  let s2 = state[2];
  let s3 = state[3];
  for (let r = from; r < to; r++) {
    let u = 0;
    do {
      // nextDouble: a = first word >>> 5, b = second word >>> 6.
      let m = Math.imul(s1, 5);
      const a = Math.imul((m << 7) | (m >>> 25), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      const b = Math.imul((m << 7) | (m >>> 25), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      u = (a * 67108864 + b) / 9007199254740992;
    } while (u === 0);
    out[r] = u;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

/**
 * The open uniforms of one keyed stream, drawn ahead into a typed array 32 at a time:
 * nextOpenDouble gives exactly Xoshiro128.nextOpenDouble's values in order (the stream is
 * sequential, so drawing ahead changes none), in a method small enough to inline where the
 * generator's chain of calls was not (issue 19: the Dirichlet rows' gamma draws boxed tens of
 * megabytes of doubles per projection). Draws ahead that are never used are discarded: each
 * user reseeds before it draws.
 */
export class UniformBlock {
  declare private readonly values: Float64Array;
  declare private readonly state: Int32Array;
  declare private at: number;

  constructor() {
    this.values = new Float64Array(32);
    this.state = new Int32Array(4);
    this.at = 32;
  }

  /** The stream Xoshiro128.reseedFrom(prefix, k3, k4) starts, nothing yet drawn. */
  reseedFrom(prefix: number, k3 = 0, k4 = 0): this {
    seedState(this.state, prefix, k3, k4);
    this.at = 32;
    return this;
  }

  nextOpenDouble(): number {
    if (this.at === 32) {
      drawOpenDoubles(this.state, this.values, 0, 32);
      this.at = 0;
    }
    return this.values[this.at++];
  }
}

/** Stream purposes, so that streams for different uses never share a key. */
export const StreamPurpose = {
  parameters: 1,
  trajectory: 2,
  dirichletRow: 3,
  entrants: 4,
  assignment: 5,
} as const;

/**
 * A xoshiro128** generator. Its 128-bit state is an Int32Array of four words, public so the hot
 * loop can copy it into locals, step it inline and write it back (the kernel does this;
 * everything else calls the methods). A typed array, not four object fields: fields that start
 * as small integers and are then given 32-bit values change representation (a V8 shape change),
 * which threw away the kernel's optimised code on the first timed run (issue 19). Stored words
 * are the same bits either way, so the streams are unchanged.
 */
export class Xoshiro128 {
  readonly state = new Int32Array(4);

  /** The state's words one by one (as 32-bit signed integers), e.g. to start from a published test state. */
  get s0(): number {
    return this.state[0];
  }
  set s0(value: number) {
    this.state[0] = value;
  }
  get s1(): number {
    return this.state[1];
  }
  set s1(value: number) {
    this.state[1] = value;
  }
  get s2(): number {
    return this.state[2];
  }
  set s2(value: number) {
    this.state[2] = value;
  }
  get s3(): number {
    return this.state[3];
  }
  set s3(value: number) {
    this.state[3] = value;
  }

  /** Re-keys this generator in place (no allocation): the stream for (seed, k1..k4). */
  reseed(seed: number, k1: number, k2 = 0, k3 = 0, k4 = 0): this {
    return this.reseedFrom(streamPrefix(seed, k1, k2), k3, k4);
  }

  /**
   * Re-keys from a prefix computed once by streamPrefix(seed, k1, k2): the same stream as
   * reseed(seed, k1, k2, k3, k4), for callers that key many streams under one (seed, purpose, run).
   */
  reseedFrom(prefix: number, k3 = 0, k4 = 0): this {
    seedState(this.state, prefix, k3, k4);
    return this;
  }

  /**
   * out[r] = reseedFrom(prefixes[r], k3).nextOpenDouble() for r < n, leaving the generator as
   * the last of those would: one keyed uniform per prefix, stored rather than returned. A call
   * that V8 does not inline returns its double (or a 32-bit word above 2^30) boxed, a heap
   * allocation, and whether it inlined varied from process to process (issue 19: prepareRuns
   * took 20 ms in some processes and 60 in others).
   */
  keyedOpenDoubles(prefixes: Int32Array, k3: number, out: Float64Array, n: number): void {
    for (let r = 0; r < n; r++) {
      seedState(this.state, prefixes[r], k3, 0);
      drawOpenDoubles(this.state, out, r, r + 1);
    }
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const state = this.state;
    const s0 = state[0];
    const s1 = state[1];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = state[2] ^ s0;
    const s3 = state[3] ^ s1;
    state[1] = s1 ^ s2;
    state[0] = s0 ^ s3;
    state[2] = s2 ^ t;
    state[3] = rotl(s3, 11);
    return result;
  }

  /** A double uniform on [0, 1) with 53 random bits. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A double uniform on (0, 1): never 0, safe for logarithms. */
  nextOpenDouble(): number {
    let u = this.nextDouble();
    while (u === 0) u = this.nextDouble();
    return u;
  }
}

/** The hash of a stream key's first words (seed, k1, k2); see Xoshiro128.reseedFrom. */
export function streamPrefix(seed: number, k1: number, k2 = 0): number {
  // Seeds are non-negative integers below 2^53: split into two 32-bit words.
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let h = mix32(lo ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(hi + 0x632be5ab, 0x85ebca6b));
  h = mix32(h ^ Math.imul(k1 + 0x1b873593, 0xcc9e2d51));
  return mix32(h ^ Math.imul(k2 + 0x2c1b3c6d, 0x297a2d39));
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function keyedStream(seed: number, k1: number, k2 = 0, k3 = 0, k4 = 0): Xoshiro128 {
  return new Xoshiro128().reseed(seed, k1, k2, k3, k4);
}

/** The largest seed accepted: seeds are integers in [0, 2^53). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** A fresh seed for callers who did not give one (returned to them so they can reproduce). */
export function randomSeed(): number {
  const words = new Uint32Array(2);
  crypto.getRandomValues(words);
  return (words[0] & 0x1fffff) * 4294967296 + words[1];
}
