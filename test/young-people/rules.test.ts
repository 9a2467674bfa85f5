import t from 'tap';
import { ageInYears, applyYoungPersonPatch, checkYoungPersonRules } from '../../src/services/young-people.ts';
import { edgeOfCareRecord, residentialRecord } from './records.ts';

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

t.test('age counts the birthday as the first of the birth month', async (t) => {
  // Born November 2010: 16 from 1 November 2026, still 15 on 31 October 2026.
  t.equal(ageInYears(2010, 11, day('2026-11-01')), 16);
  t.equal(ageInYears(2010, 11, day('2026-10-31')), 15);
  // Born December 2010, on 24 November 2026: 15 years and 11 months.
  t.equal(ageInYears(2010, 12, day('2026-11-24')), 15);
  t.equal(ageInYears(2026, 11, day('2026-11-24')), 0, 'born this month');
  t.equal(ageInYears(2026, 12, day('2026-11-24')), -1, 'born next month: not yet born');
  t.equal(ageInYears(2000, 11, day('2026-11-24')), 26);
});

t.test('domain rules name the field and say why', async (t) => {
  const today = day('2026-11-24');
  t.same(checkYoungPersonRules(residentialRecord({}, today), today), [], 'the fixture is valid');
  t.same(checkYoungPersonRules(edgeOfCareRecord({ birthYear: 2026, birthMonth: 12 }, today), today), [{ field: '/birthMonth', reason: 'is in the future' }]);
  t.same(checkYoungPersonRules(edgeOfCareRecord({ birthYear: 2027, birthMonth: 1 }, today), today), [{ field: '/birthYear', reason: 'is in the future' }]);
  t.same(checkYoungPersonRules(edgeOfCareRecord({ birthYear: 2000, birthMonth: 11, careState: 'independent_eet' }, today), today), [
    { field: '/birthYear', reason: 'gives an age of 26 today; records are kept for ages 0 to 25' },
  ]);
  // Born December 2000: 25 years 11 months, the oldest a record may be.
  t.same(checkYoungPersonRules(edgeOfCareRecord({ birthYear: 2000, birthMonth: 12, careState: 'independent_eet' }, today), today), []);
  t.same(checkYoungPersonRules(edgeOfCareRecord({ birthYear: 2008, birthMonth: 12 }, today), today), [], '17 and 11 months may be on the edge of care');
  t.same(checkYoungPersonRules(edgeOfCareRecord({ birthYear: 2008, birthMonth: 11 }, today), today), [
    { field: '/careState', reason: 'edge_of_care is for ages under 18; this young person is 18' },
  ]);
  t.same(checkYoungPersonRules(edgeOfCareRecord({ birthYear: 2008, birthMonth: 12, careState: 'staying_put' }, today), today), [
    { field: '/careState', reason: 'staying_put is for ages 18 and over; this young person is 17' },
  ]);
  const services = [
    { name: 'A', weeklyCost: 1, fundingAgency: 'health' as const, startDate: '2026-01-01', endDate: '2026-01-01' },
    { name: 'B', weeklyCost: 1, fundingAgency: 'health' as const, startDate: '2026-01-02', endDate: '2026-01-01' },
  ];
  t.same(checkYoungPersonRules(edgeOfCareRecord({ services }, today), today), [{ field: '/services/1/endDate', reason: 'is before startDate' }], 'ending on the start day is fine');
  const placement = { type: 'residential' as const, provider: 'private' as const, weeklyPrice: 6000, startDate: '2026-11-24' };
  t.same(checkYoungPersonRules(residentialRecord({ placement }, today), today), [], 'a placement may start today');
  t.same(checkYoungPersonRules(residentialRecord({ placement: { ...placement, startDate: '2026-11-25' } }, today), today), [{ field: '/placement/startDate', reason: 'is in the future' }]);
  t.same(checkYoungPersonRules(residentialRecord({ birthYear: 2011, birthMonth: 1, placement: { ...placement, startDate: '2010-12-31' } }, today), today), [
    { field: '/placement/startDate', reason: 'is before the month of birth' },
  ]);
});

t.test('a patch replaces what it names, removes what it nulls and keeps the rest', async (t) => {
  const current = residentialRecord();
  const patched = applyYoungPersonPatch(current, { version: 1, tier: 3, sex: null, needsProfile: {} });
  const { sex: _sex, ...withoutSex } = current;
  t.same(patched, { ...withoutSex, tier: 3, needsProfile: {} });
  t.notOk('sex' in patched);
  t.notOk('version' in patched, 'the version is not part of the record');
  t.notOk('placement' in applyYoungPersonPatch(current, { version: 1, placement: null }));
});

t.test('a dated price or cost change must fall before the month the young person turns 26', async (t) => {
  // Born March 2012: records are kept to 25, so the last day a change can take effect is
  // 29 February 2038; 2206 for 2026 is the mistyped year this catches.
  const today = day('2026-11-24');
  const placement = { type: 'residential' as const, provider: 'private' as const, weeklyPrice: 6000, startDate: '2026-06-01' };
  const record = (changes: Array<{ from: string; weeklyPrice: number }>) => residentialRecord({ birthYear: 2012, birthMonth: 3, placement: { ...placement, priceChanges: changes } }, today);
  const reason = 'must be before 2038-03-01, the month the young person turns 26: records are kept to age 25 and no budget or projection reaches a later date';
  t.same(checkYoungPersonRules(record([{ from: '2027-04-01', weeklyPrice: 6200 }, { from: '2038-02-28', weeklyPrice: 6400 }]), today), [], 'an agreed uplift, and one on the last day');
  t.same(checkYoungPersonRules(record([{ from: '2038-03-01', weeklyPrice: 6200 }]), today), [{ field: '/placement/priceChanges/0/from', reason }], 'on the bound');
  t.same(checkYoungPersonRules(record([{ from: '2027-04-01', weeklyPrice: 6200 }, { from: '2206-04-01', weeklyPrice: 6400 }]), today), [{ field: '/placement/priceChanges/1/from', reason }], 'a mistyped year');
  const services = [{ name: 'Mentor', weeklyCost: 100, fundingAgency: 'health' as const, startDate: '2026-01-01', costChanges: [{ from: '9999-12-31', weeklyCost: 120 }] }];
  t.same(checkYoungPersonRules(residentialRecord({ birthYear: 2012, birthMonth: 3, services }, today), today), [{ field: '/services/0/costChanges/0/from', reason }], 'a service’s cost change too');
});
