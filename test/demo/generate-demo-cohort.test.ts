import { readFileSync } from 'node:fs';
import t from 'tap';
import { DEFAULT_CARE_STATES } from '../../src/catalog/vocabulary.ts';
import { DEMO_COHORT_AS_OF, DEMO_COHORT_FILE, generateDemoCohort, generateDemoCohortCsv } from '../../src/demo/generate-demo-cohort.ts';
import { ageInYears, checkYoungPersonRules } from '../../src/services/young-people.ts';

const asOf = new Date(Date.UTC(DEMO_COHORT_AS_OF.year, DEMO_COHORT_AS_OF.month - 1, 1));
const cohort = generateDemoCohort();
const ageOf = (r: { birthYear: number; birthMonth: number }) => ageInYears(r.birthYear, r.birthMonth, asOf);
const share = (part: number, whole: number) => part / whole;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

t.test('the committed file is exactly what the generator writes from its fixed seed', async (t) => {
  t.equal(generateDemoCohortCsv(), readFileSync(DEMO_COHORT_FILE, 'utf8'), 'regenerate with: node src/demo/generate-demo-cohort.ts');
  t.equal(generateDemoCohortCsv(), generateDemoCohortCsv(), 'deterministic');
  t.not(generateDemoCohortCsv(7), generateDemoCohortCsv(), 'the seed matters');
});

t.test('every record is valid on the as-of date and references are unique and pseudonymous', async (t) => {
  t.equal(cohort.length, 400);
  const invalid = cohort.filter((r) => checkYoungPersonRules(r, asOf).length > 0);
  t.same(invalid, []);
  t.equal(new Set(cohort.map((r) => r.reference)).size, cohort.length);
  t.ok(cohort.every((r) => /^NV-\d{5}$/.test(r.reference)));
  const latestStart = `${DEMO_COHORT_AS_OF.year}-${String(DEMO_COHORT_AS_OF.month).padStart(2, '0')}-01`;
  t.ok(cohort.every((r) => (r.placement?.startDate ?? '') < latestStart && r.services.every((s) => s.startDate < latestStart)), 'all starts precede the as-of date');
});

t.test('the caseload has the shape of an English authority’s (DfE CLA 2024, renormalised over modelled placements)', async (t) => {
  const stateCategory = new Map(DEFAULT_CARE_STATES.map((s) => [s.id, s.category]));
  const lookedAfter = cohort.filter((r) => stateCategory.get(r.careState) === 'looked_after' || r.careState === 'youth_custody');
  t.equal(lookedAfter.length, 240);
  const aged = (lo: number, hi: number) => lookedAfter.filter((r) => ageOf(r) >= lo && ageOf(r) <= hi).length;
  // DfE 2024: 10-15 is 39%, 16-17 is 26% of children looked after.
  t.ok(Math.abs(share(aged(10, 15), 240) - 0.39) <= 0.02, `10-15: ${aged(10, 15)}`);
  t.ok(Math.abs(share(aged(16, 17), 240) - 0.26) <= 0.02, `16-17: ${aged(16, 17)}`);
  t.ok(Math.abs(share(aged(0, 0), 240) - 0.05) <= 0.02, `under 1: ${aged(0, 0)}`);

  const inState = (...states: string[]) => lookedAfter.filter((r) => states.includes(r.careState));
  const foster = inState('kinship_foster', 'inhouse_foster', 'ifa_foster').length;
  // 68% / 89% = 76% foster, 11.5% / 89% = 13% residential and secure, 8.5% / 89% = 9.6% supported.
  t.ok(Math.abs(share(foster, 240) - 0.76) <= 0.03, `foster: ${foster}`);
  t.ok(Math.abs(share(inState('residential', 'secure_home').length, 240) - 0.13) <= 0.02, 'residential and secure');
  t.ok(Math.abs(share(inState('supported_accommodation').length, 240) - 0.096) <= 0.02, 'supported accommodation');
  t.ok(Math.abs(share(inState('kinship_foster').length, foster) - 0.18) <= 0.03, 'kinship ~18% of foster care');
  t.ok(inState('supported_accommodation').every((r) => ageOf(r) >= 16 && ageOf(r) <= 17));

  const prices = (state: string) => inState(state).map((r) => r.placement?.weeklyPrice ?? Number.NaN);
  const residential = prices('residential');
  t.ok(median(residential) >= 5000 && median(residential) <= 7000, `residential median £${median(residential)}`);
  t.ok(Math.max(...residential) > 10000, 'a tail past £10,000 a week');
  t.ok(prices('secure_home').every((p) => p >= 7500 && p <= 8700), 'secure ~£8,000');
  t.ok(median(prices('ifa_foster')) >= 900 && median(prices('ifa_foster')) <= 1100, 'IFA £900-£1,100');
  t.ok(prices('inhouse_foster').every((p) => p >= 450 && p <= 650), 'in-house £450-£650');
  t.ok(prices('kinship_foster').every((p) => p >= 300 && p <= 400), 'kinship £300-£400');
  t.ok(prices('supported_accommodation').every((p) => p >= 600 && p <= 1500), 'supported £600-£1,500');

  const leavers = cohort.filter((r) => r.legalStatus === 'care_leaver');
  t.equal(leavers.length, 65);
  t.ok(leavers.every((r) => ageOf(r) >= 18 && ageOf(r) <= 24), 'care leavers are 18-24');
  t.equal(cohort.filter((r) => r.careState === 'edge_of_care').length, 40);
  t.equal(cohort.filter((r) => r.careState === 'cin_cp').length, 55);
});
