import t from 'tap';
import { MAX_SEED, StreamPurpose, Xoshiro128, keyedStream, mix32, randomSeed, streamPrefix } from '../../src/simulation/random.ts';

/**
 * src/simulation/random.ts against an independent Python rendering (test comments give it in
 * full below): xoshiro128** as in Blackman and Vigna's C code (xoshiro128starstar.c), Wellons'
 * lowbias32 finaliser, and the stream keying documented in random.ts (streamPrefix, reseedFrom),
 * all in 32-bit arithmetic with explicit masks. Far outputs and large seeds pin what the first
 * few outputs of a small state cannot (a rotation by 32 + k reads as one by k on small words; a
 * seed's high word is 0 below 2^32). Equivalent survivors: test/pinned/MUTATION-SURVIVORS.md.
 *
 *   M = 0xffffffff; imul = lambda a, b: (a * b) & M
 *   def mix32(x): x &= M; x ^= x >> 16; x = imul(x, 0x7feb352d); x ^= x >> 15; x = imul(x, 0x846ca68b); return x ^ (x >> 16)
 *   def rotl(x, k): return ((x << k) | (x >> (32 - k))) & M
 *   def prefix(seed, k1, k2=0):
 *       h = mix32((seed & M) ^ 0x9e3779b9); h = mix32(h ^ imul(((seed // 2**32) & M) + 0x632be5ab, 0x85ebca6b))
 *       h = mix32(h ^ imul(k1 + 0x1b873593, 0xcc9e2d51)); return mix32(h ^ imul(k2 + 0x2c1b3c6d, 0x297a2d39))
 *   def keyed(seed, k1, k2=0, k3=0, k4=0):
 *       h = mix32(prefix(seed, k1, k2) ^ imul(k3 + 0x5bd1e995, 0x7feb352d)); h = mix32(h ^ imul(k4 + 0x68e31da4, 0x846ca68b))
 *       return [mix32(h + c) for c in (0x9e3779b9, 0x3c6ef372, 0xdaa66d2b, 0x78dde6e4)]
 *   def nxt(s):
 *       r = imul(rotl(imul(s[1], 5), 7), 9); t = (s[1] << 9) & M
 *       s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11); return r
 *   def dbl(s): return ((nxt(s) >> 5) * 67108864 + (nxt(s) >> 6)) / 2**53
 */

t.test('xoshiro128** far from a published start state', async (t) => {
  const g = new Xoshiro128();
  g.s0 = 1;
  g.s1 = 2;
  g.s2 = 3;
  g.s3 = 4;
  t.same([g.s0, g.s1, g.s2, g.s3], [1, 2, 3, 4], 'the state words read back');
  for (let i = 0; i < 1000; i++) g.nextUint32();
  t.same([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()], [136054147, 2224941748, 1458134130, 3964477073], 'outputs 1000 to 1003');
});

t.test('the finaliser and keyed streams against the Python rendering', async (t) => {
  t.equal(mix32(1), 1753845952);
  t.equal(mix32(0xdeadbeef), 3861431939);
  const cases: Array<{ key: [number, number, number?, number?, number?]; prefix: number; u: number[]; d: number }> = [
    { key: [2 ** 40 + 5, 2, 7, 9, 11], prefix: 1671660663, u: [327906694, 1548024009, 1514783173], d: 0.8308414881509215 },
    { key: [0, 0], prefix: 953499875, u: [3796296466, 4035813493, 721267135], d: 0.9765106556883526 },
    { key: [12345, 3, 1], prefix: 3346876020, u: [724944508, 4042007570, 4025863569], d: 0.5124306298122369 },
    { key: [MAX_SEED, 5, 0, 3], prefix: 4218347969, u: [3491274998, 1604159873, 2039174346], d: 0.1210962133439707 },
  ];
  for (const { key, prefix, u, d } of cases) {
    const [seed, k1, k2, k3, k4] = key;
    t.equal(streamPrefix(seed, k1, k2), prefix, `prefix of ${key}`);
    const g = keyedStream(seed, k1, k2, k3, k4);
    t.same([g.nextUint32(), g.nextUint32(), g.nextUint32()], u, `outputs of ${key}`);
    t.equal(g.nextDouble(), d, `then a double, ${key}`);
    // reseed and reseedFrom give the same stream in place.
    const h = new Xoshiro128().reseed(seed, k1, k2, k3, k4);
    const f = new Xoshiro128().reseedFrom(prefix, k3, k4);
    t.same([h.nextUint32(), f.nextUint32()], [u[0], u[0]], `reseed and reseedFrom, ${key}`);
    t.equal(f.nextOpenDouble(), h.nextOpenDouble(), 'open doubles in step');
  }
});

t.test('purposes are distinct and seeds are integers below 2^53', async (t) => {
  t.same(StreamPurpose, { parameters: 1, trajectory: 2, dirichletRow: 3, entrants: 4, assignment: 5 });
  t.equal(MAX_SEED, 2 ** 53 - 1);
  let bad = 0;
  let above32 = 0;
  for (let i = 0; i < 2000; i++) {
    const s = randomSeed();
    if (!Number.isSafeInteger(s) || s < 0) bad++;
    if (s >= 2 ** 32) above32++;
  }
  t.equal(bad, 0, '2,000 fresh seeds are safe integers ≥ 0');
  // P(s < 2^32) = 2^-21 per seed.
  t.ok(above32 >= 1990, `${above32} of 2,000 use the high word`);
});

t.test('an open double skips a draw of exactly 0', async (t) => {
  // Kills `while (u === 0)` → `while (false)` (issue 13). From the state (1, 0, 1, 1) the first
  // two outputs are 0 (output = rotl(s1 × 5, 7) × 9, and s1 is 0 for both steps: step 1 leaves
  // s1 = s1 ^ s2 ^ s0 = 0 ^ 1 ^ 1), so nextDouble() is exactly 0. Step 3 leaves s1 = 2048 and
  // output 0 again; step 4 outputs rotl(2048 × 5, 7) × 9 = 1,310,720 × 9 = 11,796,480, so the
  // open double is (0 × 2^26 + (11,796,480 >>> 6)) / 2^53 = 184,320 / 2^53.
  const start = () => {
    const g = new Xoshiro128();
    g.s0 = 1;
    g.s1 = 0;
    g.s2 = 1;
    g.s3 = 1;
    return g;
  };
  t.equal(start().nextDouble(), 0, 'the closed draw is 0');
  t.equal(start().nextOpenDouble(), 184_320 / 2 ** 53, 'the open draw is the next one');
});

t.test('a fresh seed is the high word’s low 21 bits × 2^32 plus the low word', async (t) => {
  // Kills `+ words[1]` → `− words[1]` (issue 13): with the system's random words one seed in
  // 2^21 would show it (a negative seed), too rare to meet. The formula is pinned on fixed words
  // put in place of crypto.getRandomValues for this test only (the one input the code takes).
  const real = crypto.getRandomValues;
  const fixed = [
    [0, 5, 5],
    [0xffffffff, 0xffffffff, 2 ** 53 - 1],
    [0x00200003, 7, 3 * 2 ** 32 + 7],
  ];
  try {
    for (const [hi, lo, seed] of fixed) {
      crypto.getRandomValues = (<T extends ArrayBufferView | null>(words: T): T => {
        const w = words as unknown as Uint32Array;
        w[0] = hi;
        w[1] = lo;
        return words;
      }) as typeof crypto.getRandomValues;
      t.equal(randomSeed(), seed, `words (${hi}, ${lo})`);
    }
  } finally {
    crypto.getRandomValues = real;
  }
});
