import t from 'tap';
import { betaQuantile, lnGamma, normalQuantile, sampleGamma } from '../../src/simulation/distributions.ts';
import { Xoshiro128 } from '../../src/simulation/random.ts';

/**
 * The gamma sampler, incomplete beta and beta quantile of src/simulation/distributions.ts (lines
 * 115-246) at the places distributions-edges.test.ts does not reach, found by the Stryker runs of
 * 30 November and 2 December over those lines. Each test names the mutants it kills.
 *
 * The gamma tests feed the sampler chosen uniforms. Every one is a multiple of 2^−53 in (0, 1),
 * so a value Xoshiro128.nextOpenDouble can return (53 random bits); they sit on the boundaries of
 * Marsaglia and Tsang's tests, which a random stream meets with probability about 2^−53 a draw,
 * so only a chosen stream shows which side of each boundary the code takes. The stream's
 * uniforms were found by a search over k · 2^−53 (k written out below); each test re-derives the
 * boundary it relies on and asserts it first, so a change of normalQuantile fails loudly there,
 * not silently.
 */

/** A stream that hands out the given uniforms in order, and counts them. */
class Uniforms extends Xoshiro128 {
  private readonly values: number[];
  used = 0;

  constructor(values: readonly number[]) {
    super();
    this.values = [...values];
  }

  override nextOpenDouble(): number {
    const u = this.values[this.used];
    if (u === undefined) throw new Error(`stream of ${this.values.length} uniforms exhausted`);
    this.used++;
    return u;
  }
}

const E = 2 ** -53;

/** Marsaglia and Tsang's terms for one normal draw x at shape − 1/3 = d. */
const terms = (d: number, x: number) => {
  const c = 1 / Math.sqrt(9 * d);
  const root = 1 + c * x;
  const v = root * root * root;
  return { root, v, squeeze: 1 - 0.0331 * x * x * x * x, full: 0.5 * x * x + d * (1 - v + Math.log(v)) };
};

t.test('gamma: v = 0 exactly is rejected and redrawn, not taken to the acceptance test', async (t) => {
  // Kills `v <= 0` → `v < 0` (line 141). Shape 5.701167334195424: d = 5.367834000862091 and
  // x = Φ⁻¹(2^−39) = −6.9506 make 1 + cx exactly 0 in doubles. The sampler must draw a new x
  // (from 0.75) and accept it with u = 0.5 (inside the squeeze): 3 uniforms. With `v < 0` it takes
  // v = 0 on, uses 0.75 as the acceptance uniform (log 0.75 < −∞ fails), then draws x = 0 from
  // 0.5 and returns d itself: 4 uniforms, another value.
  const shape = 5.701167334195424;
  const d = shape - 1 / 3;
  t.equal(terms(d, normalQuantile(16384 * E)).root, 0, 'the chosen x makes 1 + cx exactly 0');
  const s = new Uniforms([16384 * E, 0.75, 0.5, 0.25, 0.5]);
  const want = d * terms(d, normalQuantile(0.75)).v;
  t.equal(sampleGamma(shape, s), want, 'd · (1 + c Φ⁻¹(0.75))³');
  t.equal(s.used, 3, 'three uniforms');
  t.not(want, d, 'not the mutant’s d');
});

t.test('gamma: the full test is strict, log u = its bound is rejected', async (t) => {
  // Kills `Math.log(u) < …` → `<=` (line 145). Shape 1 (d = 2/3), x = Φ⁻¹(8962217301662815 · 2^−53)
  // = 2.5762: the squeeze bound 1 − 0.0331x⁴ is negative, so only the full test decides, and
  // u = 6439662777649797 · 2^−53 has log u equal to ½x² + d(1 − v + ln v) in doubles. Rejected: x
  // is drawn again from 0.5 (x = 0, v = 1) and accepted with u = 0.5, so the draw is d = 2/3 after
  // 4 uniforms; `<=` accepts the first pair, d(1 + cx)³ = 2.17.
  const d = 1 - 1 / 3;
  const x = normalQuantile(8962217301662815 * E);
  const u = 6439662777649797 * E;
  const k = terms(d, x);
  t.ok(k.squeeze < 0, 'the squeeze cannot accept');
  t.equal(Math.log(u), k.full, 'log u is exactly the bound');
  const s = new Uniforms([8962217301662815 * E, u, 0.5, 0.5, 0.5]);
  t.equal(sampleGamma(1, s), d, 'redrawn: x = 0 gives d');
  t.equal(s.used, 4, 'four uniforms');
});

t.test('gamma: the squeeze decides before the full test, and strictly', async (t) => {
  // Marsaglia and Tsang's squeeze 1 − 0.0331x⁴ lies below the full bound exp(½x² + d(1 − v + ln v))
  // in exact arithmetic, so dropping it (or taking u equal to it) changes nothing there. In doubles
  // it does not, for a large shape and x near 0: d(1 − v + ln v) then loses about √d · |x| · 2^−52
  // to the rounding of v, and the full bound can fall below 1 − 2^−53 while the squeeze rounds to
  // 1 or to 1 − 2^−53. The sampler is the paper's algorithm, squeeze first.
  //
  // Kills the squeeze `u < 1 − 0.0331x⁴` → `false` (line 144): shape 10^7, x = Φ⁻¹(4503959096000512
  // · 2^−53) = 1.0004e-4; the squeeze bound rounds to 1, the full one is −1.19e-16 < log(1 − 2^−53).
  // u = 1 − 2^−53 is accepted by the squeeze: d(1 + cx)³ after 2 uniforms. Without the squeeze it
  // is rejected and x is drawn again from 0.5 (giving d).
  {
    const shape = 1e7;
    const d = shape - 1 / 3;
    const x = normalQuantile(4503959096000512 * E);
    const k = terms(d, x);
    t.equal(k.squeeze, 1, 'the squeeze bound rounds to 1');
    t.ok(Math.log(1 - E) >= k.full, 'the full test would reject u = 1 − 2^−53');
    const s = new Uniforms([4503959096000512 * E, 1 - E, 0.5, 0.5, 0.5]);
    t.equal(sampleGamma(shape, s), d * k.v, 'accepted by the squeeze');
    t.equal(s.used, 2, 'two uniforms');
    t.not(d * k.v, d, 'not the redrawn d');
  }
  // Kills the squeeze `<` → `<=` (line 144): shape 10^6, x = Φ⁻¹(4504414798741504 · 2^−53) =
  // 2.2686e-4; the squeeze bound is exactly 1 − 2^−53 and the full bound −1.13e-16 is below
  // log(1 − 2^−53). u = 1 − 2^−53 is not below the squeeze and fails the full test: x is drawn again
  // from 0.5 and the draw is d after 4 uniforms; `<=` accepts it at once.
  {
    const shape = 1e6;
    const d = shape - 1 / 3;
    const x = normalQuantile(4504414798741504 * E);
    const k = terms(d, x);
    t.equal(k.squeeze, 1 - E, 'the squeeze bound is 1 − 2^−53');
    t.ok(Math.log(1 - E) >= k.full, 'the full test rejects u = 1 − 2^−53');
    const s = new Uniforms([4504414798741504 * E, 1 - E, 0.5, 0.5, 0.5]);
    t.equal(sampleGamma(shape, s), d, 'rejected, redrawn: d');
    t.equal(s.used, 4, 'four uniforms');
  }
});

t.test('lnGamma below 1/2 needs the reflection', async (t) => {
  // Kills `x < 0.5` → `false` (line 200): the Lanczos sum alone loses accuracy as x → 0 (its
  // first term g₁/x grows as 1/x): 5e-9 off at x = 1e-8 and +∞ at 1e-20. Beta shapes this small
  // are real: a calibrated row's transition of probability 1e-9 at concentration 10 has a = 1e-8.
  // mpmath 1.3, mp.loggamma at 50 digits of each double: 18.420680738180208884,
  // 46.051701859880913735, 690.77552789821370518.
  const rel = (actual: number, expected: number, msg: string) =>
    t.ok(Math.abs(actual - expected) <= 1e-14 * expected, `${msg}: ${actual} vs ${expected} (relative ±1e-14)`);
  rel(lnGamma(1e-8), 18.420680738180208884, 'ln Γ(1e-8)');
  rel(lnGamma(1e-20), 46.051701859880913735, 'ln Γ(1e-20)');
  rel(lnGamma(1e-300), 690.77552789821370518, 'ln Γ(1e-300)');
});

t.test('beta quantile: the density of the Newton step, and the bracket test', async (t) => {
  const rel = (actual: number, expected: number, tol: number, msg: string) =>
    t.ok(Math.abs(actual - expected) <= tol * expected, `${msg}: ${actual} vs ${expected} (relative ±${tol})`);
  // Kills the density's `(a − 1)` → `(a + 1)` (line 233): the earlier tests' shapes happen to let
  // the bracket repair the wrong steps; at Beta(2, 1) the wrong density stops the solve early at
  // 0.70435. Closed form: F(x) = x^a at b = 1, so qbeta(p; a, 1) = p^(1/a) = √0.5.
  rel(betaQuantile(0.5, 2, 1), Math.SQRT1_2, 1e-13, 'qbeta(0.5; 2, 1) = √½');
  // Kills `(b − 1)` → `(b + 1)` (line 233), the mirror: F(x) = 1 − (1 − x)^b at a = 1, so
  // qbeta(0.5; 1, 2) = 1 − √½ (the mutant gives 0.29565).
  rel(betaQuantile(0.5, 1, 2), 1 - Math.SQRT1_2, 1e-13, 'qbeta(0.5; 1, 2) = 1 − √½');
  // Kills the bracket stop `hi − lo <= 1e-15 × hi` → `1e-15 / hi` (line 236): with hi below 1
  // the mutant's bound exceeds the bracket and it stops at once, 1.1e-11 off. qbeta(1e-10; 1, ½)
  // = 1 − (1 − 1e-10)² = 2e-10 − 1e-20, by expm1/log1p here.
  rel(betaQuantile(1e-10, 1, 0.5), -Math.expm1(2 * Math.log1p(-1e-10)), 1e-13, 'qbeta(1e-10; 1, ½)');
  // Kills `next > lo && next < hi` → `||` (line 235): a Newton step that leaves the bracket is
  // then taken, and the solve ends at 5.9e-163. mpmath 1.3 (200 bisections of
  // mp.betainc(regularized=True) at 40 digits): qbeta(0.1; 1.5, 50) = 0.0057979310910692926622.
  rel(betaQuantile(0.1, 1.5, 50), 0.0057979310910692926622, 1e-13, 'qbeta(0.1; 1.5, 50)');
});
