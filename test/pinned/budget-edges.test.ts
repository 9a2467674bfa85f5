import t from 'tap';
import { BUDGET_MONEY, immediateBudget, placementPrices, pricePieces } from '../../src/services/pathway-budget.ts';

/**
 * The 12-month budget (src/services/pathway-budget.ts) by hand, every field of the answer, pure
 * and fast, so every mutant of the module meets exact figures without the app. Equivalent
 * survivors are listed in test/pinned/MUTATION-SURVIVORS.md.
 */

const DAY = 86_400_000;
const utc = (s: string) => Date.parse(`${s}T00:00:00Z`);

t.test('a year from 15 January 2027: dated prices, an ended service, a service ending inside, a late start', async (t) => {
  // Window: 15 January 2027 to 14 January 2028 inclusive, 365 days (no 29 February inside).
  // Placement (IFA, born May 2010: 18 on 1 May 2028, after the window): £700 from 1 June 2026,
  // £707 from 1 September 2026, £721 from 1 April 2027, £800 from 1 March 2028 (after the window).
  //   £707 for 15 January – 31 March 2027: 17 + 28 + 31 = 76 days; 707 / 7 = 101 → £7,676.00 (2026-27).
  //   £721 for 1 April 2027 – 14 January 2028: 365 − 76 = 289 days; 721 / 7 = 103 → £29,767.00 (2027-28).
  // Therapy (health), £99.99 from 1 March 2027 to 30 June 2027 inclusive (122 days):
  //   2026-27: 31 days, 9999 × 31 / 7 = 44281.29 pence → £442.81;
  //   2027-28: 30 + 31 + 30 = 91 days, 9999 × 13 = 129987 pence → £1,299.87; the line £1,742.68.
  // Youth work (education) ended 31 December 2026, before the window: no line.
  // Mentoring (children's social care), £35 from 1 December 2027, open-ended: 31 + 14 = 45 days,
  //   35 × 45 / 7 = £225.00 (2027-28).
  // Children's social care: 7676 + 29767 + 225 = £37,668.00; health £1,742.68; total £39,410.68.
  // 2026-27: 7676 + 442.81 = £8,118.81; 2027-28: 29767 + 225 + 1299.87 = £31,291.87.
  const budget = immediateBudget(
    {
      birthYear: 2010,
      birthMonth: 5,
      placement: {
        type: 'ifa_foster',
        weeklyPrice: 700,
        startDate: '2026-06-01',
        priceChanges: [
          { from: '2026-09-01', weeklyPrice: 707 },
          { from: '2027-04-01', weeklyPrice: 721 },
          { from: '2028-03-01', weeklyPrice: 800 },
        ],
      },
      services: [
        { name: 'Therapy', weeklyCost: 99.99, fundingAgency: 'health', startDate: '2027-03-01', endDate: '2027-06-30' },
        { name: 'Youth work', weeklyCost: 50, fundingAgency: 'education', startDate: '2025-01-01', endDate: '2026-12-31' },
        { name: 'Mentoring', weeklyCost: 35, fundingAgency: 'childrens_social_care', startDate: '2027-12-01' },
      ],
    },
    new Date('2027-01-15T10:30:00Z'),
  );
  t.equal(budget.from, '2027-01-15');
  t.equal(budget.until, '2028-01-14');
  t.equal(budget.days, 365);
  t.equal(budget.total, 39410.68);
  t.same(budget.byAgency, [
    { agency: 'childrens_social_care', amount: 37668 },
    { agency: 'health', amount: 1742.68 },
  ]);
  t.same(budget.byFinancialYear, [
    {
      financialYear: '2026-27',
      amount: 8118.81,
      byAgency: [
        { agency: 'childrens_social_care', amount: 7676 },
        { agency: 'health', amount: 442.81 },
      ],
    },
    {
      financialYear: '2027-28',
      amount: 31291.87,
      byAgency: [
        { agency: 'childrens_social_care', amount: 29992 },
        { agency: 'health', amount: 1299.87 },
      ],
    },
  ]);
  t.same(budget.lines, [
    {
      kind: 'placement',
      name: 'ifa_foster',
      agency: 'childrens_social_care',
      weeklyCost: 707,
      from: '2027-01-15',
      until: '2027-03-31',
      days: 76,
      amount: 7676,
      byFinancialYear: [{ financialYear: '2026-27', days: 76, amount: 7676 }],
    },
    {
      kind: 'placement',
      name: 'ifa_foster',
      agency: 'childrens_social_care',
      weeklyCost: 721,
      from: '2027-04-01',
      until: '2028-01-14',
      days: 289,
      amount: 29767,
      byFinancialYear: [{ financialYear: '2027-28', days: 289, amount: 29767 }],
    },
    {
      kind: 'service',
      name: 'Therapy',
      agency: 'health',
      weeklyCost: 99.99,
      from: '2027-03-01',
      until: '2027-06-30',
      days: 122,
      amount: 1742.68,
      byFinancialYear: [
        { financialYear: '2026-27', days: 31, amount: 442.81 },
        { financialYear: '2027-28', days: 91, amount: 1299.87 },
      ],
    },
    {
      kind: 'service',
      name: 'Mentoring',
      agency: 'childrens_social_care',
      weeklyCost: 35,
      from: '2027-12-01',
      until: '2028-01-14',
      days: 45,
      amount: 225,
      byFinancialYear: [{ financialYear: '2027-28', days: 45, amount: 225 }],
    },
  ]);
  t.same(budget.money, BUDGET_MONEY);
  // Kills the statement emptied: users read it beside every budget.
  t.equal(
    BUDGET_MONEY.statement,
    'GBP cash at the prices charged in each financial year: not converted to a price base (deflator factor 1), not discounted.',
  );
  t.equal(budget.money.priceBase, 'cash');
  t.match(budget.method, /^Next 12 months from asOf\./);
});

t.test('from 29 February: the window ends on 28 February a year on (366 days)', async (t) => {
  // 29 February 2028 + a year is 1 March 2029 (Date.UTC rolls 29 February 2029 over): 366 days,
  // until 28 February 2029. £70 a week: 2027-28 has 29 Feb – 31 March = 32 days → £320.00; 2028-29
  // 334 days → £3,340.00; £3,660.00.
  const budget = immediateBudget(
    { placement: null, services: [{ name: 'Sessions', weeklyCost: 70, fundingAgency: 'youth_justice', startDate: '2020-01-01' }] },
    new Date('2028-02-29T00:00:00Z'),
  );
  t.equal(budget.until, '2029-02-28');
  t.equal(budget.days, 366);
  t.same(
    budget.byFinancialYear.map((y) => [y.financialYear, y.amount]),
    [
      ['2027-28', 320],
      ['2028-29', 3340],
    ],
  );
  t.equal(budget.total, 3660);
  t.same(budget.byAgency, [{ agency: 'youth_justice', amount: 3660 }]);
});

t.test('the 18th birthday ends only a children’s placement, and only when the birth is known', async (t) => {
  const asOf = new Date('2026-12-01T00:00:00Z');
  const placement = { type: 'residential', weeklyPrice: 7000, startDate: '2025-01-01' };
  // Born March 2009: 18 on 1 March 2027: 90 days (31 + 31 + 28) × £1,000 = £90,000.00.
  t.equal(immediateBudget({ birthYear: 2009, birthMonth: 3, placement, services: [] }, asOf).total, 90000);
  // Born April 2009: 18 on 1 April 2027: 90 + 31 = 121 days (month − 1: kills birthMonth + 1 and − 1 → + 1).
  t.equal(immediateBudget({ birthYear: 2009, birthMonth: 4, placement, services: [] }, asOf).total, 121000);
  // Birth year without month, or neither: the whole year (365 days, £365,000.00).
  t.equal(immediateBudget({ birthYear: 2009, placement, services: [] }, asOf).total, 365000);
  t.equal(immediateBudget({ birthMonth: 3, placement, services: [] }, asOf).total, 365000);
  // A placement type with no age limit (not a children's state) runs the year.
  t.equal(immediateBudget({ birthYear: 2009, birthMonth: 3, placement: { ...placement, type: 'staying_put' }, services: [] }, asOf).total, 365000);
  // A birthday after the window: the year.
  t.equal(immediateBudget({ birthYear: 2012, birthMonth: 3, placement, services: [] }, asOf).total, 365000);
  // Already 18 before the window: no line at all.
  const over = immediateBudget({ birthYear: 2008, birthMonth: 3, placement, services: [] }, asOf);
  t.equal(over.total, 0);
  t.same(over.lines, []);
  t.same(over.byAgency, []);
  t.same(over.byFinancialYear, []);
});

t.test('a service’s end date is inclusive; a service starting after the window has no line', async (t) => {
  const asOf = new Date('2027-04-01T00:00:00Z');
  // From 1 April to 7 April 2027 inclusive: 7 days × £1 a day = £7.00.
  const week = immediateBudget({ placement: null, services: [{ name: 'A', weeklyCost: 7, fundingAgency: 'housing', startDate: '2027-04-01', endDate: '2027-04-07' }] }, asOf);
  t.equal(week.total, 7);
  t.equal(week.lines[0].until, '2027-04-07');
  // Ending on the day before the window: nothing; ending on its first day: one day.
  t.equal(immediateBudget({ placement: null, services: [{ name: 'A', weeklyCost: 7, fundingAgency: 'housing', startDate: '2027-01-01', endDate: '2027-03-31' }] }, asOf).lines.length, 0);
  t.equal(immediateBudget({ placement: null, services: [{ name: 'A', weeklyCost: 7, fundingAgency: 'housing', startDate: '2027-01-01', endDate: '2027-04-01' }] }, asOf).total, 1);
  t.equal(immediateBudget({ placement: null, services: [{ name: 'A', weeklyCost: 7, fundingAgency: 'welfare', startDate: '2028-04-01' }] }, asOf).lines.length, 0);
  // An end date past the window is cut at the window's end: 1 April 2027 to 31 March 2028, 366
  // days (29 February 2028 is inside), £1 a day.
  const long = immediateBudget({ placement: null, services: [{ name: 'A', weeklyCost: 7, fundingAgency: 'welfare', startDate: '2027-01-01', endDate: '2030-01-01' }] }, asOf);
  t.equal(long.days, 366);
  t.equal(long.total, 366);
  // A price change before the service starts inside the window: the change is in force from the start.
  const changed = immediateBudget(
    { placement: null, services: [{ name: 'B', weeklyCost: 7, fundingAgency: 'welfare', startDate: '2026-01-01', costChanges: [{ from: '2026-06-01', weeklyCost: 14 }] }] },
    asOf,
  );
  t.equal(changed.total, 732, '366 days at £2');
  t.equal(changed.lines.length, 1);
});

t.test('financial years are listed in date order whichever line books to them first', async (t) => {
  // The placement (the first line) starts on 1 April 2027, in 2027-28; the service, a later line,
  // is charged in 2026-27 first. From 1 March 2027: service £7 a week, 1–31 March 2027 = £31.00 in
  // 2026-27, then to 29 February 2028 (335 days) £335.00; placement £70 a week from 1 April 2027,
  // 335 days = £3,350.00. Kills the sort of the years (and its comparator) removed or reversed.
  const budget = immediateBudget(
    {
      placement: { type: 'inhouse_foster', weeklyPrice: 70, startDate: '2027-04-01' },
      services: [{ name: 'S', weeklyCost: 7, fundingAgency: 'education', startDate: '2027-01-01' }],
    },
    new Date('2027-03-01T00:00:00Z'),
  );
  t.same(
    budget.byFinancialYear.map((y) => [y.financialYear, y.amount]),
    [
      ['2026-27', 31],
      ['2027-28', 3685],
    ],
  );
  t.same(budget.byAgency, [
    { agency: 'childrens_social_care', amount: 3350 },
    { agency: 'education', amount: 366 },
  ]);
});

t.test('price pieces: each price from its date to the next, cut to the range', async (t) => {
  const prices = placementPrices({ weeklyPrice: 100, startDate: '2027-01-01', priceChanges: [{ from: '2027-02-01', weeklyPrice: 110 }] });
  t.same(prices, [
    { from: utc('2027-01-01'), weekly: 100 },
    { from: utc('2027-02-01'), weekly: 110 },
  ]);
  t.same(placementPrices({ weeklyPrice: 100, startDate: '2027-01-01' }), [{ from: utc('2027-01-01'), weekly: 100 }]);
  t.same(pricePieces(prices, utc('2027-01-20'), utc('2027-02-10')), [
    { start: utc('2027-01-20'), end: utc('2027-02-01'), weekly: 100 },
    { start: utc('2027-02-01'), end: utc('2027-02-10'), weekly: 110 },
  ]);
  // A range inside one price: one piece; a range ending on a change's day: the change has none.
  t.same(pricePieces(prices, utc('2027-02-03'), utc('2027-02-05')), [{ start: utc('2027-02-03'), end: utc('2027-02-05'), weekly: 110 }]);
  t.same(pricePieces(prices, utc('2027-01-03'), utc('2027-02-01')), [{ start: utc('2027-01-03'), end: utc('2027-02-01'), weekly: 100 }]);
  t.same(pricePieces(prices, utc('2027-01-03'), utc('2027-01-03') + DAY), [{ start: utc('2027-01-03'), end: utc('2027-01-04'), weekly: 100 }]);
  t.same(pricePieces(prices, utc('2027-01-03'), utc('2027-01-03')), [], 'an empty range');
});
