import fc from 'fast-check';
import t from 'tap';
import type { Episode } from '../../src/outcomes/measures.ts';
import { weeklyCommitment, weeklyCommitmentOn } from '../../src/services/scorecard.ts';

/**
 * weeklyCommitmentOn (issue 17, review finding 4), pure: what a young person cost a week on a day.
 * Today's placement where it had begun (exactly weeklyCommitment, so today's figures are as
 * before); else the history episode in force then; a placement episode with no price unpriced.
 */

const day = (n: number) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
const service = { name: 'Therapy', weeklyCost: 115, fundingAgency: 'childrens_social_care', startDate: '2023-01-01' };
/** Paid by health: on the record, not on the team's budget (issue 17 review, finding 5). */
const healthService = { name: 'CAMHS', weeklyCost: 60, fundingAgency: 'health', startDate: '2023-01-01' };

t.test('by hand: before the move the episode, after it the record; at home nothing; no price unpriced', async (t) => {
  const placement = { type: 'ifa_foster', weeklyPrice: 900, startDate: '2025-09-01', priceChanges: [{ from: '2025-10-01', weeklyPrice: 950 }] };
  const episodes: Episode[] = [
    { startDate: '2023-01-01', endDate: '2024-01-01', careState: 'edge_of_care', newPlacement: false },
    { startDate: '2024-01-01', endDate: '2025-01-01', careState: 'residential', newPlacement: true, weeklyPrice: 5000 },
    { startDate: '2025-01-01', endDate: '2025-09-01', careState: 'inhouse_foster', newPlacement: true },
    { startDate: '2025-09-01', careState: 'ifa_foster', newPlacement: true, weeklyPrice: 900 },
  ];
  const on = (d: string) => weeklyCommitmentOn(placement, [service, healthService], episodes, d);
  t.same(on('2022-06-30'), { weekly: 0, unpriced: false }, 'before the history and the service: nothing');
  t.same(on('2023-06-30'), { weekly: 115, unpriced: false }, 'edge of care: the service alone');
  t.same(on('2024-06-30'), { weekly: 5115, unpriced: false }, 'the residential episode’s £5,000 and the service');
  t.same(on('2025-06-30'), { weekly: 115, unpriced: true }, 'a placement with no price: unpriced, the service counted');
  t.same(on('2025-09-30'), { weekly: 1015, unpriced: false }, 'today’s placement at £900');
  t.same(on('2025-10-31'), { weekly: 1065, unpriced: false }, 'its dated change to £950');
});

t.test('property: wherever today’s placement had begun, the same as weeklyCommitment; before it, services plus the episode', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1500 }),
      fc.integer({ min: 0, max: 1500 }),
      fc.integer({ min: 0, max: 100_000_00 }),
      fc.option(fc.integer({ min: 0, max: 100_000_00 }), { nil: undefined }),
      (startIn, readIn, pricePence, episodePence) => {
        const placement = { type: 'residential', weeklyPrice: pricePence / 100, startDate: day(startIn) };
        const episodes: Episode[] = [
          { startDate: day(0), endDate: day(startIn + 1), careState: 'ifa_foster', newPlacement: true, ...(episodePence !== undefined ? { weeklyPrice: episodePence / 100 } : {}) },
        ];
        const d = day(readIn);
        const got = weeklyCommitmentOn(placement, [service], episodes, d);
        if (d >= placement.startDate) return got.unpriced === false && got.weekly === weeklyCommitment(placement, [service], d);
        // Before today's placement: the ifa episode (from day 0) is in force.
        if (episodePence === undefined) return got.unpriced === true && got.weekly === weeklyCommitment(null, [service], d);
        return got.unpriced === false && Math.abs(got.weekly - (weeklyCommitment(null, [service], d) + episodePence / 100)) < 1e-9;
      },
    ),
    { numRuns: 500 },
  );
  t.pass('500 cases');
});

t.test('the pack says an incomplete spend is incomplete, never "No data" or a colour', async (t) => {
  const { ragWords } = await import('../../src/export/scorecard-sheet.ts');
  t.equal(ragWords({ numerator: 286982.14, denominator: 500000, value: 57.4, rag: null, vsTarget: null, unpricedChildren: 1, spendComplete: false }), 'Incomplete (1 unpriced)');
  t.equal(ragWords({ numerator: 286982.14, denominator: 500000, value: 57.4, rag: null, vsTarget: null, unpricedChildren: '<5', spendComplete: false }), 'Incomplete (<5 unpriced)');
  t.equal(ragWords({ numerator: 286982.14, denominator: 500000, value: 57.4, rag: 'green', vsTarget: -42.6, unpricedChildren: 0, spendComplete: true }), 'Green (on target)');
});

t.test('a team budget carries children’s social care’s spend only: services paid by another agency are left out', async (t) => {
  const placement = { type: 'ifa_foster', weeklyPrice: 900, startDate: '2025-09-01' };
  const services = [
    service,
    healthService,
    { name: 'Tutoring', weeklyCost: 40, fundingAgency: 'education', startDate: '2023-01-01' },
    { name: 'Youth offending support', weeklyCost: 30, fundingAgency: 'youth_justice', startDate: '2023-01-01' },
  ];
  t.equal(weeklyCommitment(placement, services, '2025-10-01'), 900 + 115, 'the placement and the £115 children’s social care service; £130 of others left out');
  t.equal(weeklyCommitment(null, [healthService], '2025-10-01'), 0);
});
