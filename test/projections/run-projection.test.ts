import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { twoStateModel } from '../helpers/small-models.ts';

t.test('runProjection on the default model: summaries, the oracle beside them, reproducible', async (t) => {
  const { as } = await buildTestApp(t);
  const body = {
    model: 'england-default',
    ageMonths: 14 * 12,
    state: 'residential',
    startMonth: '2026-11',
    plans: [
      { name: 'Stay', currentPlacementWeeklyPrice: 6800 },
      { name: 'Step down', currentPlacementWeeklyPrice: 6800, moves: [{ month: 3, to: 'inhouse_foster' }], interventions: [{ id: 'therapeutic_step_down', startMonth: 3 }] },
    ],
    runs: 4000,
    seed: 20261124,
    parameterUncertainty: false,
  };
  const response = await as('commissioning', { method: 'POST', url: '/v1/projections', payload: body });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  const result = response.json();
  t.equal(result.seed, 20261124);
  t.equal(result.months, 11 * 12, 'to the 25th birthday');
  t.equal(result.firstFinancialYear, '2026-27');
  for (const plan of result.plans) {
    const mc = plan.total.discounted;
    const exact = plan.expectedCost.total.discounted;
    t.ok(Math.abs(mc.mean - exact) <= 4 * mc.se + 1, `${plan.name}: MC ${Math.round(mc.mean)} ± ${Math.round(mc.se)} vs exact ${Math.round(exact)}`);
  }
  const [comparison] = result.comparisons;
  t.equal(comparison.plan, 'Step down');
  t.equal(comparison.against, 'Stay');
  t.ok(comparison.discounted.saving.mean > 0, 'stepping down saves money');
  t.match(comparison.discounted.statement, /^In present value, Step down costs less than Stay in \d+% of runs; expected saving £[\d,]+, 90% interval/);
  t.equal(result.money.priceBase, '2024-25', 'the answer states its price base');

  const again = await as('finance', { method: 'POST', url: '/v1/projections', payload: body });
  t.equal(again.body, response.body, 'the same seed gives the same bytes');
});

t.test('a seed is chosen and returned when none is given; an inline model works', async (t) => {
  const { as } = await buildTestApp(t);
  const response = await as('head_of_service', {
    method: 'POST',
    url: '/v1/projections',
    // Validation refuses states nobody can reach, so B leads back to A now and then.
    payload: { model: { ...twoStateModel(0.05), transitions: { all: { a: { a: 0.95, b: 0.05 }, b: { b: 0.99, a: 0.01 } } } }, ageMonths: 200, state: 'a', runs: 500 },
  });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  t.type(response.json().seed, 'number');
  t.equal(response.json().model.id, 'two-state');
});

t.test('bad requests name the field', async (t) => {
  const { as } = await buildTestApp(t);
  const base = { model: 'england-default', ageMonths: 168, state: 'residential', runs: 100 };
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['unknown model', { ...base, model: 'nowhere' }, 422, 'body/model'],
    ['unknown version of a known model', { ...base, modelVersion: '9.9.9' }, 422, 'body/modelVersion'],
    ['empty model version', { ...base, modelVersion: '' }, 400, 'body/modelVersion'],
    // A fault in body/state is named there, not at the startState of a plan that never gave one.
    ['unknown state', { ...base, state: 'moon' }, 422, 'body/state'],
    ['state not for this age', { ...base, state: 'staying_put' }, 422, 'body/state'],
    ['unknown state of a plan', { ...base, plans: [{ startState: 'moon' }] }, 422, 'body/plans/0/startState'],
    ['move beyond the horizon', { ...base, plans: [{ moves: [{ month: 200, to: 'inhouse_foster' }] }] }, 422, 'body/plans/0/moves/0/month'],
    ['supported accommodation before 16', { ...base, plans: [{ moves: [{ month: 2, to: 'supported_accommodation' }] }] }, 422, 'body/plans/0/moves/0/to'],
    ['unknown intervention', { ...base, plans: [{ interventions: [{ id: 'magic', startMonth: 0 }] }] }, 422, 'body/plans/0/interventions/0/id'],
    ['intervention outside eligibility', { ...base, plans: [{ interventions: [{ id: 'guardian_mentor', startMonth: 0 }] }] }, 422, 'body/plans/0/interventions/0'],
    ['runs over the limit', { ...base, runs: 100_001 }, 400, 'body/runs'],
    ['seed not an integer', { ...base, seed: 1.5 }, 400, 'body/seed'],
    ['age past the horizon', { ...base, ageMonths: 300 }, 422, 'body/ageMonths'],
    ['unknown field', { ...base, colour: 'blue' }, 400, 'body/colour'],
    ['unknown price base', { ...base, priceBase: 'nominal' }, 400, 'body/priceBase'],
    ['inline model that is invalid', { ...base, model: { ...twoStateModel(0.1), transitions: { all: { a: { a: 0.5, b: 0.1 }, b: { b: 1 } } } }, state: 'a' }, 422, 'body/model/transitions/all/a'],
  ];
  for (const [label, payload, status, field] of cases) {
    const response = await as('finance', { method: 'POST', url: '/v1/projections', payload });
    t.equal(response.statusCode, status, `${label}: ${status}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    const fields = (response.json().errors ?? []).map((e: { field: string }) => e.field);
    t.ok(fields.includes(field), `${label}: names ${field} (got ${fields.join(', ')})`);
    // An unknown model is not quoted back: the reason lists the catalogued ones instead.
    t.notMatch(response.json().detail, /nowhere|9\.9\.9/, `${label}: the detail does not quote the request`);
  }
  // Two plans starting from an unknown body/state: one error, named once (review of 4 December).
  const twice = await as('finance', { method: 'POST', url: '/v1/projections', payload: { ...base, state: 'moon', plans: [{ name: 'A' }, { name: 'B' }] } });
  t.equal(twice.statusCode, 422);
  t.same(twice.json().errors, [{ field: 'body/state', reason: 'unknown state "moon" in model england-default' }]);
  const board = await as('board', { method: 'POST', url: '/v1/projections', payload: base });
  t.equal(board.statusCode, 403, 'the board does not run projections');
});

t.test('a dated price change the projection never charges is refused naming its from; the last month it can charge is charged', async (t) => {
  const { as } = await buildTestApp(t);
  // Today's placement is charged until the first move, and at the latest until its age limit:
  // residential ends at 18 in the default model. 14 years (168 months) on in November 2026, so
  // the young person turns 18 in November 2030 (48 months on): a price from 1 November 2030 is
  // never charged, one from 1 October 2030 is charged to those still there at 17 years 11 months.
  const uplift = { from: '2027-04-01', weeklyPrice: 7000 };
  const priced = (from: string) => ({
    model: 'england-default',
    ageMonths: 168,
    state: 'residential',
    startMonth: '2026-11',
    runs: 200,
    seed: 7,
    parameterUncertainty: false,
    plans: [
      { name: 'Uplifted once', currentPlacementWeeklyPrice: 6800, currentPlacementPriceChanges: [uplift] },
      { name: 'Uplifted twice', currentPlacementWeeklyPrice: 6800, currentPlacementPriceChanges: [uplift, { from, weeklyPrice: 9000 }] },
    ],
  });
  for (const from of ['2030-11-01', '2037-11-01', '9999-12-31']) {
    const response = await as('finance', { method: 'POST', url: '/v1/projections', payload: priced(from) });
    t.equal(response.statusCode, 422, `from ${from}: 422`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    const error = response.json().errors?.find((e: { field: string }) => e.field === 'body/plans/1/currentPlacementPriceChanges/1/from');
    t.match(error?.reason, /^must be before 2030-11-01: the young person turns 18 that month and leaves residential \(the model's age limit\)/, `from ${from}: names the field and the age limit`);
  }
  const lastMonth = await as('finance', { method: 'POST', url: '/v1/projections', payload: priced('2030-10-01') });
  t.equal(lastMonth.statusCode, 200, lastMonth.body.slice(0, 300));
  const [once, twice] = lastMonth.json().plans;
  // Common random numbers: the same trajectories, so every year before 2030-31 costs the same
  // under both plans, and 2030-31 costs more where the second change is charged.
  const year = (plan: { byFinancialYear: Array<{ financialYear: string; cash: { mean: number } }> }, fy: string) => plan.byFinancialYear.find((y) => y.financialYear === fy)?.cash.mean;
  const earlier = once.byFinancialYear.map((y: { financialYear: string }) => y.financialYear).filter((fy: string) => fy < '2030-31');
  t.equal(earlier.length, 4, 'four financial years before 2030-31 (2026-27 to 2029-30)');
  for (const fy of earlier) t.equal(year(twice, fy), year(once, fy), `${fy}: the same`);
  t.ok((year(twice, '2030-31') ?? 0) > (year(once, '2030-31') ?? 0), '2030-31: the change from October 2030 is charged');

  // A placement with no age limit is charged to the horizon: 200 months old in November 2026
  // reaches 25 (300 months) after February 2035, so March 2035 is the first month not projected.
  const inline = (from: string) => ({
    model: { ...twoStateModel(0.05), transitions: { all: { a: { a: 0.95, b: 0.05 }, b: { b: 0.99, a: 0.01 } } } },
    ageMonths: 200,
    state: 'a',
    startMonth: '2026-11',
    runs: 20,
    seed: 3,
    plans: [{ currentPlacementWeeklyPrice: 500, currentPlacementPriceChanges: [{ from, weeklyPrice: 600 }] }],
  });
  const late = await as('finance', { method: 'POST', url: '/v1/projections', payload: inline('2035-03-01') });
  t.equal(late.statusCode, 422, 'March 2035: 422');
  t.match(late.json().errors?.[0], { field: 'body/plans/0/currentPlacementPriceChanges/0/from', reason: /^must be before 2035-03-01: the first month after the projection/ });
  t.equal((await as('finance', { method: 'POST', url: '/v1/projections', payload: inline('2035-02-01') })).statusCode, 200, 'February 2035: accepted');

  // A plan's move out of today's placement ends it first: month 3 from November 2026 is February 2027.
  const moved = priced('2027-02-01');
  moved.plans[1] = { ...moved.plans[1], moves: [{ month: 3, to: 'inhouse_foster' }], currentPlacementPriceChanges: [{ from: '2027-01-31', weeklyPrice: 7000 }, { from: '2027-02-01', weeklyPrice: 9000 }] } as (typeof moved.plans)[1];
  const afterMove = await as('finance', { method: 'POST', url: '/v1/projections', payload: moved });
  t.equal(afterMove.statusCode, 422, 'a change from the month of the move: 422');
  t.match(afterMove.json().errors, [{ field: 'body/plans/1/currentPlacementPriceChanges/1/from', reason: /^must be before 2027-02-01: the plan's moves\/0 takes the young person out of residential that month/ }]);
  t.equal(afterMove.json().errors.length, 1, 'the change the day before is not refused');
  // A move only from other states does not end today's placement.
  const conditional = priced('2030-10-01');
  conditional.plans[1] = { ...conditional.plans[1], moves: [{ month: 3, to: 'inhouse_foster', fromStates: ['ifa_foster'] }] } as (typeof conditional.plans)[1];
  t.equal((await as('finance', { method: 'POST', url: '/v1/projections', payload: conditional })).statusCode, 200, 'a move from other states only: the placement may last to 18');
});

t.test('price changes need the price they change; a start that is not a priced placement gets its own error only', async (t) => {
  const { as } = await buildTestApp(t);
  const base = { model: 'england-default', ageMonths: 168, state: 'residential', startMonth: '2026-11', runs: 20, seed: 1 };
  const unpriced = await as('finance', { method: 'POST', url: '/v1/projections', payload: { ...base, plans: [{ currentPlacementPriceChanges: [{ from: '2027-04-01', weeklyPrice: 7000 }] }] } });
  t.equal(unpriced.statusCode, 422, 'changes without currentPlacementWeeklyPrice: 422');
  t.match(unpriced.json().errors, [{ field: 'body/plans/0/currentPlacementPriceChanges', reason: /needs currentPlacementWeeklyPrice/ }]);
  const community = await as('finance', {
    method: 'POST',
    url: '/v1/projections',
    payload: { ...base, state: 'edge_of_care', plans: [{ currentPlacementWeeklyPrice: 5000, currentPlacementPriceChanges: [{ from: '2099-01-01', weeklyPrice: 6000 }] }] },
  });
  t.equal(community.statusCode, 422);
  t.same(
    community.json().errors.map((e: { field: string }) => e.field),
    ['body/plans/0/currentPlacementWeeklyPrice'],
    'edge of care has no weekly price: that error alone, no age limit of a placement it is not',
  );
  // A move planned after the age limit does not make the placement outlast it: in-house foster
  // care at 10 from January 2026 ends at 18, month 96, January 2034.
  const lateMove = (from: string) => ({
    ...base,
    ageMonths: 120,
    state: 'inhouse_foster',
    startMonth: '2026-01',
    plans: [{ moves: [{ month: 100, to: 'supported_lodgings' }], currentPlacementWeeklyPrice: 1000, currentPlacementPriceChanges: [{ from, weeklyPrice: 1100 }] }],
  });
  const pastEighteen = await as('finance', { method: 'POST', url: '/v1/projections', payload: lateMove('2034-01-01') });
  t.equal(pastEighteen.statusCode, 422, 'a change at 18 with a move planned later: 422');
  t.match(pastEighteen.json().errors, [{ field: 'body/plans/0/currentPlacementPriceChanges/0/from', reason: /^must be before 2034-01-01: the young person turns 18/ }]);
  t.equal((await as('finance', { method: 'POST', url: '/v1/projections', payload: lateMove('2033-12-31') })).statusCode, 200, 'the day before: taken');
  // A refused move gives its own error, not a second one worked out from it.
  const badMove = await as('finance', {
    method: 'POST',
    url: '/v1/projections',
    payload: { ...base, plans: [{ moves: [{ month: 0, to: 'inhouse_foster' }], currentPlacementWeeklyPrice: 5000, currentPlacementPriceChanges: [{ from: '2027-04-01', weeklyPrice: 6000 }] }] },
  });
  t.same(
    badMove.json().errors.map((e: { field: string }) => e.field),
    ['body/plans/0/moves/0/month'],
    'a move at month 0: its own error alone',
  );
  // The mirror of a mistyped late year: 0027 for 2027 would charge the new price from month 0.
  const earlyYear = await as('finance', { method: 'POST', url: '/v1/projections', payload: { ...base, plans: [{ currentPlacementWeeklyPrice: 5000, currentPlacementPriceChanges: [{ from: '0027-04-01', weeklyPrice: 6000 }] }] } });
  t.equal(earlyYear.statusCode, 422);
  t.match(earlyYear.json().errors, [{ field: 'body/plans/0/currentPlacementPriceChanges/0/from', reason: 'must be 1900-01-01 or later' }]);
  const early = await as('finance', { method: 'POST', url: '/v1/projections', payload: { ...base, startMonth: '0098-01' } });
  t.equal(early.statusCode, 400, 'a start month before 1900: 400');
  t.ok(early.json().errors?.some((e: { field: string }) => e.field === 'body/startMonth'), 'names body/startMonth');
});
