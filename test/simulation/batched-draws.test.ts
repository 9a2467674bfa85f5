import fc from 'fast-check';
import t from 'tap';
import { type Distribution, PreparedQuantiles, normalQuantile, sampleGammaPrepared } from '../../src/simulation/distributions.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { BufferShelf, SimulationPool } from '../../src/simulation/pool.ts';
import { type ProjectionRequest, runProjectionInline } from '../../src/simulation/projection.ts';
import { UniformBlock, Xoshiro128, streamPrefix } from '../../src/simulation/random.ts';
import { fourStateModel } from '../helpers/small-models.ts';

// Issue 19 rewrote three hot paths so that no double is returned boxed from a call: the keyed
// uniforms of the parameter draws, the parameter quantiles by column, and the normal quantile's
// tails apart from its centre. Each must give the very values of the code it replaced, bit for
// bit (seeded figures and the frozen kernel depend on them): the references here are the
// one-at-a-time methods, which the engine still uses elsewhere. Those share the seeding function
// (seedState) with the batched paths, so a change there passes here: the streams themselves are
// pinned to published and frozen values in test/pinned/random-edges.test.ts and the frozen-kernel
// test (test/simulation/kernel-baseline.test.ts).

t.test('keyedOpenDoubles: reseedFrom(prefix, k3).nextOpenDouble() for every prefix, and the same final state', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      (words, k3) => {
        const prefixes = Int32Array.from(words);
        const out = new Float64Array(prefixes.length);
        const batched = new Xoshiro128();
        batched.keyedOpenDoubles(prefixes, k3, out, prefixes.length);
        const one = new Xoshiro128();
        for (let r = 0; r < prefixes.length; r++) {
          const u = one.reseedFrom(prefixes[r], k3).nextOpenDouble();
          if (!Object.is(u, out[r])) return false;
        }
        return Array.from(batched.state).every((w, i) => w === one.state[i]);
      },
    ),
    { numRuns: 300 },
  );
  // Real prefixes, as prepareRuns makes them, and a key whose sum with the constant overflows.
  const prefixes = Int32Array.from({ length: 2000 }, (_, r) => streamPrefix(20261202, 1, r));
  const out = new Float64Array(prefixes.length);
  new Xoshiro128().keyedOpenDoubles(prefixes, 0x7fffffff, out, prefixes.length);
  const one = new Xoshiro128();
  let differing = 0;
  for (let r = 0; r < prefixes.length; r++) if (!Object.is(out[r], one.reseedFrom(prefixes[r], 0x7fffffff).nextOpenDouble())) differing++;
  t.equal(differing, 0, '2,000 real prefixes: no value differs');
  t.ok(
    out.every((u) => u > 0 && u < 1),
    'every value is in (0, 1)',
  );
});

t.test('UniformBlock: the keyed stream\'s open uniforms in order, across refills, and the gamma draws made from them', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: 1, max: 150 }),
      (prefix, k3, draws) => {
        const block = new UniformBlock().reseedFrom(prefix, k3);
        const one = new Xoshiro128().reseedFrom(prefix, k3);
        for (let i = 0; i < draws; i++) if (!Object.is(block.nextOpenDouble(), one.nextOpenDouble())) return false;
        return true;
      },
    ),
    { numRuns: 300 },
  );
  // Reseeding mid-block starts the new stream at its first value, not the old block's rest.
  const block = new UniformBlock().reseedFrom(7, 1);
  block.nextOpenDouble();
  block.reseedFrom(8, 2);
  t.equal(block.nextOpenDouble(), new Xoshiro128().reseedFrom(8, 2).nextOpenDouble(), 'a reseed discards what was drawn ahead');
  // Gamma draws (Marsaglia and Tsang) through either source: the same values, rejections included.
  const shapes = [1.0001, 1.7, 3, 12.5, 400];
  let differing = 0;
  for (const shape of shapes) {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    const fromBlock = new UniformBlock().reseedFrom(11, shape * 1000);
    const fromStream = new Xoshiro128().reseedFrom(11, shape * 1000);
    for (let k = 0; k < 500; k++) if (!Object.is(sampleGammaPrepared(d, c, fromBlock), sampleGammaPrepared(d, c, fromStream))) differing++;
  }
  t.equal(differing, 0, '2,500 gamma draws at five shapes: none differs');
});

t.test('PreparedQuantiles.column: at(i, u) for every kind of distribution, strided into place', async (t) => {
  const distributions: Distribution[] = [
    { type: 'fixed', value: 12.5 },
    { type: 'uniform', min: 2, max: 9 },
    { type: 'normal', mean: 100, sd: 15 },
    { type: 'lognormal', mean: 900, sd: 300 },
    { type: 'triangular', min: 1, mode: 2, max: 6 },
    { type: 'pert', min: 300, mode: 420, max: 900, lambda: 4 },
    { type: 'normal', mean: -5, sd: 20 },
  ];
  for (const floor of [Number.NEGATIVE_INFINITY, 0]) {
    const quantiles = new PreparedQuantiles(distributions, floor);
    fc.assert(
      fc.property(fc.array(fc.double({ min: Number.MIN_VALUE, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 60 }), (us) => {
        const uniforms = Float64Array.from(us);
        const stride = distributions.length;
        const values = new Float64Array(us.length * stride).fill(Number.NaN);
        for (let i = 0; i < distributions.length; i++) quantiles.column(i, uniforms, us.length, values, i, stride);
        for (let r = 0; r < us.length; r++) {
          for (let i = 0; i < stride; i++) if (!Object.is(values[r * stride + i], quantiles.at(i, uniforms[r]))) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  }
  // The PERT table's exact tails (the outer 1/4,096 of each side) go through the same path.
  const quantiles = new PreparedQuantiles(distributions);
  const tails = Float64Array.from([1e-300, 1e-9, 1 / 8192, 1 - 1 / 8192, 1 - 1e-12]);
  const values = new Float64Array(tails.length);
  quantiles.column(5, tails, tails.length, values, 0, 1);
  t.same(Array.from(values), Array.from(tails, (u) => quantiles.at(5, u)), 'PERT tails: the exact solve, as at()');
});

t.test('normalQuantile: the tails, now a function of their own, give the published values', async (t) => {
  // Wichura (1988), AS 241, table of test values; R's qnorm gives the same to the digits shown.
  const cases: Array<[number, number]> = [
    [0.025, -1.959963984540054],
    [0.975, 1.959963984540054],
    [1e-10, -6.361340902404056],
    [0.5 - 0.425, -1.4395314709384563],
    [0.9, 1.2815515655446004],
  ];
  for (const [p, z] of cases) t.ok(Math.abs(normalQuantile(p) - z) <= 1e-15 * Math.max(1, Math.abs(z)) * 4, `Φ⁻¹(${p}) = ${z} (within 4 ulps)`);
  t.equal(normalQuantile(0.3), -normalQuantile(0.7), 'symmetric about one half (centre)');
  // 1 - 0.99 is not 0.01 in doubles: symmetric to the rounding of p only.
  t.ok(Math.abs(normalQuantile(0.01) + normalQuantile(0.99)) < 1e-13, 'symmetric about one half (tails), to the rounding of p');
});

t.test('the shared headline buffer: reused across projections of other sizes and after a cancellation, the figures stay those of one thread', async (t) => {
  const model = compileModel(fourStateModel());
  const request = (months: number): ProjectionRequest => ({
    clock: { startYear: 2026, startMonth: 11 },
    ageMonths: 25 * 12 - months,
    plans: [
      { startState: 2, moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: 6500 },
      { startState: 2, moves: [{ month: 3, to: 1, fromStates: null }], interventions: [], statePrices: [{ state: 1, weeklyPrice: 520 }], currentPlacementWeeklyPrice: 6500 },
    ],
    parameterUncertainty: true,
  });
  const pool = new SimulationPool(2);
  t.teardown(() => pool.close());
  // A larger projection first leaves its numbers in the buffer the smaller ones then reuse.
  const order: Array<[number, number, number]> = [
    [120, 1000, 5],
    [60, 600, 6],
    [120, 700, 7],
  ];
  for (const [months, runs, seed] of order) {
    const pooled = await pool.projection('four-state', fourStateModel(), request(months), runs, seed);
    t.equal(JSON.stringify(pooled), JSON.stringify(runProjectionInline(model, request(months), runs, seed)), `${months} months, ${runs} runs: as on one thread`);
  }
  const controller = new AbortController();
  const cancelled = pool.projection('four-state', fourStateModel(), request(120), 2000, 8, {
    signal: controller.signal,
    onProgress: (completed) => {
      if (completed >= 250) controller.abort();
    },
  });
  await t.rejects(cancelled, { name: 'CancelledError' }, 'a cancelled projection rejects');
  const after = await pool.projection('four-state', fourStateModel(), request(120), 900, 9);
  t.equal(JSON.stringify(after), JSON.stringify(runProjectionInline(model, request(120), 900, 9)), 'the next projection after a cancellation: as on one thread');
});

t.test('the headline buffer shelf: reuses a buffer that fits, holds at most four and 32 MiB, never a larger one', async (t) => {
  const shelf = new BufferShelf();
  const mib = 1024 * 1024;
  const a = shelf.take(10 * mib);
  t.equal(a.byteLength, 10 * mib, 'a new buffer of the size asked for');
  shelf.give(a);
  t.equal(shelf.take(6 * mib), a, 'a kept buffer up to twice the size asked for serves');
  shelf.give(a);
  t.not(shelf.take(4 * mib), a, 'not one more than twice the size');
  for (let k = 0; k < 5; k++) shelf.give(new SharedArrayBuffer(10 * mib));
  t.ok(shelf.heldBytes <= 32 * mib, `holds ${shelf.heldBytes / mib} MiB, at most 32`);
  const before = shelf.heldBytes;
  shelf.give(new SharedArrayBuffer(40 * mib));
  t.equal(shelf.heldBytes, before, 'a buffer over 32 MiB is not kept');
  const small = new BufferShelf();
  for (let k = 0; k < 6; k++) small.give(new SharedArrayBuffer(1024));
  t.equal(small.heldBytes, 4 * 1024, 'at most four buffers');
});
