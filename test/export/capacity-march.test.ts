import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { marchMonths } from '../../src/export/capacity.ts';
import { financialYearLabel } from '../../src/finance/financial-year.ts';

// The 31 Marches of the pack's capacity table (issue 15): a scenario's projection starts on
// 1 April 2026 (prepareScenario), so month t is a March exactly when t % 12 === 11.
function projection(months: number) {
  return {
    occupancyByMonth: Array.from({ length: months }, (_, t) => ({
      month: t,
      financialYear: financialYearLabel(2026 + Math.floor(t / 12)),
      capacity: 6,
      occupied: { mean: 0, p10: 0, p50: 0, p90: 0 },
      waiting: 0,
    })),
  };
}

t.test('a horizon ending exactly on a 31 March keeps its last one', async (t) => {
  // 24 months, April 2026 to March 2028: 31 March 2027 (month 11) and 31 March 2028 (month 23).
  t.same(marchMonths(projection(24)), [
    { month: 11, financialYear: '2026-27' },
    { month: 23, financialYear: '2027-28' },
  ]);
  t.same(marchMonths(projection(12)), [{ month: 11, financialYear: '2026-27' }], 'one whole year: its 31 March');
});

t.test('a horizon ending mid-year gives the 31 Marches before it and none after', async (t) => {
  // 18 months, April 2026 to September 2027: only 31 March 2027.
  t.same(marchMonths(projection(18)), [{ month: 11, financialYear: '2026-27' }]);
  t.same(marchMonths(projection(30)).map((m) => m.month), [11, 23]);
  t.same(marchMonths(projection(6)), [], 'April to September: no 31 March');
});

t.test('every 31 March within any horizon, and nothing else', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 360 }), (months) => {
      const expected = Array.from({ length: Math.floor(months / 12) }, (_, y) => ({ month: 12 * y + 11, financialYear: financialYearLabel(2026 + y) }));
      return isDeepStrictEqual(marchMonths(projection(months)), expected);
    }),
    { numRuns: 200 },
  );
  t.pass('200 horizons of 1 to 360 months');
});
