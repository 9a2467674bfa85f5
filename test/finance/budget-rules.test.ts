import t from 'tap';
import { immediateBudget } from '../../src/services/pathway-budget.ts';

t.test('a placement starting inside the window is charged from its start, not from the budget date', async (t) => {
  // £700 a week from 1 June 2027, budget from 1 January 2027: 1 June to 31 December = 214 days
  // (30 + 31 + 31 + 30 + 31 + 30 + 31), 700 × 214 / 7 = £21,400.00 (from 1 January it would be £36,500).
  const budget = immediateBudget({ placement: { type: 'ifa_foster', weeklyPrice: 700, startDate: '2027-06-01' }, services: [] }, new Date('2027-01-01T00:00:00Z'));
  t.equal(budget.total, 21400);
  t.same(budget.lines[0].from, '2027-06-01');
  t.equal(budget.lines[0].days, 214);
});

t.test('a children’s placement ends on the 18th birthday (the 1st of the birth month)', async (t) => {
  // Born March 2009: 18 on 1 March 2027. Residential at £6,000 a week, budget from 1 December 2026:
  // 1 December 2026 to 28 February 2027 = 31 + 31 + 28 = 90 days: 6000 × 90 / 7 = 77,142.857… → £77,142.86.
  // A service with no end date runs the whole year, rounded per financial year: 2026-27 121 days,
  // 100 × 121 / 7 = 1,728.571… → £1,728.57; 2027-28 244 days, 3,485.714… → £3,485.71; £5,214.28.
  const budget = immediateBudget(
    {
      birthYear: 2009,
      birthMonth: 3,
      placement: { type: 'residential', weeklyPrice: 6000, startDate: '2025-01-01' },
      services: [{ name: 'Personal adviser', weeklyCost: 100, fundingAgency: 'childrens_social_care', startDate: '2026-01-01' }],
    },
    new Date('2026-12-01T00:00:00Z'),
  );
  const placement = budget.lines.find((l) => l.kind === 'placement');
  t.equal(placement?.until, '2027-02-28');
  t.equal(placement?.days, 90);
  t.equal(placement?.amount, 77142.86);
  t.equal(budget.total, 82357.14, '77,142.86 + 5,214.28');
});

t.test('a service cost change splits its line at the change', async (t) => {
  // £210 a week, £231 from 1 April 2027; budget from 1 March 2027: 31 days at 210 = £930.00,
  // then 1 April 2027 to 29 February 2028 = 335 days at 231 = £11,055.00 (2028 is a leap year: 366 days).
  const budget = immediateBudget(
    {
      placement: null,
      services: [{ name: 'Mentoring', weeklyCost: 210, fundingAgency: 'health', startDate: '2026-09-01', costChanges: [{ from: '2027-04-01', weeklyCost: 231 }] }],
    },
    new Date('2027-03-01T00:00:00Z'),
  );
  t.equal(budget.days, 366);
  t.same(
    budget.lines.map((l) => [l.weeklyCost, l.days, l.amount]),
    [
      [210, 31, 930],
      [231, 335, 11055],
    ],
  );
});
