import t, { type Test } from 'tap';
import { type ModelError, validateModel } from '../../src/catalog/validate-model.ts';
import { type LooseModel, tinyModel } from './tiny-model.ts';

/** Validates a broken copy of the tiny model and returns its errors (failing if it passes). */
function errorsOf(tt: Test, breakIt: (m: LooseModel) => void): ModelError[] {
  const model = tinyModel();
  breakIt(model);
  const result = validateModel(model);
  if (result.ok) {
    tt.fail('the broken model validated');
    return [];
  }
  return result.errors;
}

/** Asserts an error exists at `field` whose reason matches. */
function hasError(tt: Test, errors: ModelError[], field: string, reason: RegExp | string) {
  // One reason a field: several broken rules at one field are joined with ", and ".
  const found = errors.find((e) => e.field === field && (typeof reason === 'string' ? e.reason === reason || e.reason.split(', and ').includes(reason) : reason.test(e.reason)));
  tt.ok(found, `error at ${field} matching ${reason}; got ${JSON.stringify(errors)}`);
}

t.test('the tiny model is valid', async (t) => {
  const result = validateModel(tinyModel());
  t.ok(result.ok, JSON.stringify(result.ok ? [] : result.errors));
});

t.test('JSON Schema: missing, unknown and mistyped fields are named', async (t) => {
  const errors = errorsOf(t, (m) => {
    delete m.name;
    m.colour = 'blue';
    m.horizonAgeYears = 'four';
    m.states[0].category = 'elsewhere';
  });
  hasError(t, errors, '/name', 'is required');
  hasError(t, errors, '/colour', 'is not a known field');
  hasError(t, errors, '/horizonAgeYears', /must be a whole number/);
  hasError(t, errors, '/states/0/category', /must be one of: community, edge_of_care/);
});

t.test('JSON Schema: a broken distribution reports only the branch its type names', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.unitCosts[0].amount = { type: 'normal', mean: 100 };
    m.unitCosts[1].amount = { type: 'beta', a: 1 };
    m.eventCosts[0].amount = 'five hundred';
  });
  hasError(t, errors, '/unitCosts/0/amount/sd', 'is required');
  t.notOk(errors.some((e) => e.field === '/unitCosts/0/amount/min'), 'no noise from the other branches');
  hasError(t, errors, '/unitCosts/1/amount/type', 'must be one of: fixed, normal, lognormal, triangular, pert, uniform');
  hasError(t, errors, '/eventCosts/0/amount', /must be a number or a distribution object/);
  t.equal(errors.length, 3, JSON.stringify(errors));
});

t.test('JSON Schema: lognormal mean <= 0 and negative sd are refused', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.rateFactors[0].multiplier = { type: 'lognormal', mean: 0, sd: -1 };
  });
  hasError(t, errors, '/rateFactors/0/multiplier/mean', /must be more than 0/);
  hasError(t, errors, '/rateFactors/0/multiplier/sd', /must be at least 0/);
});

t.test('a multiplier above 1,000 (or Infinity, as JSON reads 1e309) is refused, naming the parameter', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.rateFactors[0].multiplier = JSON.parse('{"type":"uniform","min":0.5,"max":1e309}');
  });
  hasError(t, errors, '/rateFactors/0/multiplier/max', 'Infinity is above 1,000: no cost, rate or effect is multiplied that much; check the figure');
  const big = errorsOf(t, (m) => {
    m.rateFactors[0].multiplier = 1000.5;
  });
  hasError(t, big, '/rateFactors/0/multiplier', /^1000.5 is above 1,000/);
  const atCeiling = tinyModel();
  atCeiling.rateFactors[0].multiplier = 1000;
  t.ok(validateModel(atCeiling).ok, 'exactly 1,000 is taken');
});

t.test('rows that do not sum to 1 name the band, the state and the sum', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.transitions.young.care = { care: 0.77, home: 0.2 };
  });
  t.same(errors, [{ field: '/transitions/young/care', reason: 'row sums to 0.97, not 1 (band young, state care)' }]);
});

t.test('a row within 1e-9 of 1 passes; one 1e-8 away does not', async (t) => {
  const close = tinyModel();
  close.transitions.young.care = { care: 0.8 + 5e-10, home: 0.2 };
  t.ok(validateModel(close).ok);
  const errors = errorsOf(t, (m) => {
    m.transitions.young.care = { care: 0.8 + 1e-8, home: 0.2 };
  });
  hasError(t, errors, '/transitions/young/care', 'row sums to 1.00000001, not 1 (band young, state care)');
});

t.test('probabilities outside [0, 1]', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.transitions.old.leaver = { leaver: 1.05, adult: -0.05 };
  });
  hasError(t, errors, '/transitions/old/leaver/leaver', 'probability 1.05 is outside [0, 1] (band old, from leaver to leaver)');
  hasError(t, errors, '/transitions/old/leaver/adult', 'probability -0.05 is outside [0, 1] (band old, from leaver to adult)');
  t.equal(errors.length, 2, 'the row itself sums to 1');
});

t.test('unknown states and bands in transitions', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.transitions.young.home = { home: 0.9, caer: 0.1 };
    m.transitions.young.nobody = { nobody: 1 };
    m.transitions.middle = {};
  });
  hasError(t, errors, '/transitions/young/home/caer', 'unknown state "caer"');
  hasError(t, errors, '/transitions/young/nobody', 'unknown state "nobody"');
  hasError(t, errors, '/transitions/middle', 'unknown age band "middle" (bands: young, old)');
});

t.test('unknown state ids and @categories in selectors of costs, events, effects, factors and age transitions', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.unitCosts[0].states = ['carer'];
    m.unitCosts[1].states = ['@nonsense'];
    m.eventCosts[0].to = ['@custody'];
    m.interventions[0].eligibility.states = ['hom'];
    m.interventions[0].effects[0].to = ['cared'];
    m.rateFactors[0].from = ['@edge'];
    m.ageTransitions[1].from = ['@comunity'];
  });
  hasError(t, errors, '/unitCosts/0/states/0', 'unknown state "carer"');
  hasError(t, errors, '/unitCosts/1/states/0', /^unknown category "@nonsense" \(categories: @community, @edge_of_care/);
  hasError(t, errors, '/eventCosts/0/to/0', '"@custody" selects nothing: no state has category custody');
  hasError(t, errors, '/interventions/0/eligibility/states/0', 'unknown state "hom"');
  hasError(t, errors, '/interventions/0/effects/0/to/0', 'unknown state "cared"');
  hasError(t, errors, '/rateFactors/0/from/0', /^unknown category "@edge"/);
  hasError(t, errors, '/ageTransitions/1/from/0', /^unknown category "@comunity"/);
});

t.test('a state needs a row in every band it can be in, and only there', async (t) => {
  const base = tinyModel();
  t.notOk('leaver' in base.transitions.young, 'leaver (2 and over) has no row in band young (0-1)');
  const errors = errorsOf(t, (m) => {
    delete m.transitions.young.care;
    m.transitions.young.leaver = { leaver: 1 };
    m.transitions.young.home = { home: 0.9, adult: 0.1 };
  });
  hasError(t, errors, '/transitions/young/care', 'missing: care can be in band young (ages 0-1) but has no row');
  hasError(t, errors, '/transitions/young/leaver', 'leaver (ages 2 and over) cannot be in band young (ages 0-1): remove the row');
  hasError(t, errors, '/transitions/young/home/adult', 'adult (ages 2 and over) cannot be reached in band young (ages 0-1)');
});

t.test('a band with no rows at all', async (t) => {
  const errors = errorsOf(t, (m) => {
    delete m.transitions.old;
  });
  hasError(t, errors, '/transitions/old', 'missing: band old has no transition rows');
});

t.test('age bands must not overlap, leave gaps, or miss 0 to the horizon', async (t) => {
  hasError(t, errorsOf(t, (m) => (m.ageBands[1].fromYears = 1)), '/ageBands/1/fromYears', 'overlaps band young (ages 0-1)');
  hasError(t, errorsOf(t, (m) => (m.ageBands[1].fromYears = 3)), '/ageBands/1/fromYears', 'leaves a gap after band young: ages 2-2 are in no band');
  hasError(t, errorsOf(t, (m) => (m.ageBands[0].fromYears = 1)), '/ageBands/0/fromYears', 'the first age band must start at age 0, not 1: ages 0-0 are in no band');
  hasError(t, errorsOf(t, (m) => (m.ageBands[1].toYears = 3)), '/ageBands/1/toYears', 'the bands end at age 3 but the horizon is 4: ages 3-3 are in no band');
  hasError(t, errorsOf(t, (m) => (m.ageBands[1].toYears = 5)), '/ageBands/1/toYears', 'the bands run past the horizon: they must end at horizonAgeYears (4), not 5');
  hasError(t, errorsOf(t, (m) => (m.ageBands[1].toYears = 2)), '/ageBands/1/toYears', 'must be greater than fromYears (2)');
});

t.test('costs that can be negative', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.unitCosts[0].amount = -1;
    m.unitCosts[1].amount = { type: 'normal', mean: -5, sd: 1 };
    m.eventCosts[0].amount = { type: 'triangular', min: -10, mode: 5, max: 20 };
    m.interventions[0].cost.perWeek = { type: 'uniform', min: -1, max: 10 };
    m.interventions[0].cost.oneOff = { type: 'fixed', value: -3 };
  });
  hasError(t, errors, '/unitCosts/0/amount', '-1 is negative: a cost must be 0 or more');
  hasError(t, errors, '/unitCosts/1/amount/mean', 'a normal with mean -5 can yield negative values: a cost must be 0 or more');
  hasError(t, errors, '/eventCosts/0/amount/min', 'a triangular with min -10 can yield negative values: a cost must be 0 or more');
  hasError(t, errors, '/interventions/0/cost/perWeek/min', 'a uniform with min -1 can yield negative values: a cost must be 0 or more');
  hasError(t, errors, '/interventions/0/cost/oneOff/value', '-3 is negative: a cost must be 0 or more');
});

t.test('multipliers that can be negative', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.interventions[0].effects[0].multiplier = { type: 'pert', min: -0.2, mode: 0.7, max: 1 };
  });
  hasError(t, errors, '/interventions/0/effects/0/multiplier/min', 'a pert with min -0.2 can yield negative values: a multiplier must be 0 or more');
});

t.test('impossible distribution parameters', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.unitCosts[0].amount = { type: 'pert', min: 120, mode: 100, max: 150 };
    m.unitCosts[1].amount = { type: 'triangular', min: 10, mode: 200, max: 150 };
    m.eventCosts[0].amount = { type: 'pert', min: 500, mode: 500, max: 500 };
    m.interventions[0].cost.perWeek = { type: 'uniform', min: 60, max: 40 };
  });
  hasError(t, errors, '/unitCosts/0/amount/mode', 'mode 100 is below min 120');
  hasError(t, errors, '/unitCosts/1/amount/mode', 'mode 200 is above max 150');
  hasError(t, errors, '/eventCosts/0/amount/max', 'min and max are both 500: that is a single value, write it as fixed');
  hasError(t, errors, '/interventions/0/cost/perWeek/max', 'max 40 is below min 60');
});

t.test('duplicate ids', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.states.push({ ...m.states[3] });
    m.transitions.old.adult = { adult: 0.99, leaver: 0.01 };
    m.unitCosts.push({ ...m.unitCosts[0] });
    m.eventCosts.push({ ...m.eventCosts[0] });
    m.interventions.push({ ...m.interventions[0] });
    m.rateFactors.push({ ...m.rateFactors[0] });
    m.ageBands.push({ ...m.ageBands[1] });
  });
  hasError(t, errors, '/states/4/id', 'duplicate state id "adult" (also /states/3/id)');
  hasError(t, errors, '/unitCosts/2/id', 'duplicate unit cost id "placement" (also /unitCosts/0/id)');
  hasError(t, errors, '/eventCosts/1/id', 'duplicate event cost id "move" (also /eventCosts/0/id)');
  hasError(t, errors, '/interventions/1/id', 'duplicate intervention id "help" (also /interventions/0/id)');
  hasError(t, errors, '/rateFactors/1/id', 'duplicate rate factor id "entry" (also /rateFactors/0/id)');
  hasError(t, errors, '/ageBands/2/id', 'duplicate age band id "old" (also /ageBands/1/id)');
});

t.test('every figure must cite a known source', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.unitCosts[0].source = 'nowhere';
    m.discounting.source = 'treasury';
    m.ageTransitions[1].source = 'hearsay';
    m.rateFactors[0].source = 'rumour';
  });
  hasError(t, errors, '/unitCosts/0/source', 'unknown source "nowhere": every figure must cite an entry of sources');
  hasError(t, errors, '/discounting/source', 'unknown source "treasury": every figure must cite an entry of sources');
  hasError(t, errors, '/ageTransitions/1/source', /unknown source "hearsay"/);
  hasError(t, errors, '/rateFactors/0/source', /unknown source "rumour"/);
  hasError(
    t,
    errorsOf(t, (m) => (m.transitionSources = [])),
    '/transitionSources',
    'must cite at least one source for the transition rates',
  );
});

t.test('a state no one can reach', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.states.push({ id: 'limbo', label: 'Limbo', category: 'permanence', minAgeYears: 2 });
    m.transitions.old.limbo = { limbo: 0.5, adult: 0.5 };
  });
  t.same(errors, [{ field: '/states/4', reason: 'unreachable: no transition or age transition leads into limbo from another state' }]);
});

t.test('a state that cannot be left, unless it is terminal', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.transitions.old.adult = { adult: 1 };
  });
  t.same(errors, [
    {
      field: '/states/3',
      reason: 'cannot be left: adult keeps everyone (probability 1 of staying) in every band it can be in (old) and no age transition moves people out; mark it terminal if it is meant to be absorbing',
    },
  ]);
  const absorbing = tinyModel();
  absorbing.transitions.old.adult = { adult: 1 };
  absorbing.states[3].terminal = true;
  t.ok(validateModel(absorbing).ok, 'terminal states may be absorbing');
});

t.test('a state with self-probability 1 in every band but an age transition out is not a dead end', async (t) => {
  const model = tinyModel();
  model.states.push({ id: 'respite', label: 'Respite', category: 'looked_after', maxAgeYears: 2 });
  model.transitions.young.home = { home: 0.85, care: 0.1, respite: 0.05 };
  model.transitions.young.respite = { respite: 1 };
  model.ageTransitions[0].from = ['care', 'respite'];
  const result = validateModel(model);
  t.ok(result.ok, JSON.stringify(result.ok ? [] : result.errors));
});

t.test('discount periods must start at year 0 and increase', async (t) => {
  hasError(
    t,
    errorsOf(t, (m) => (m.discounting.periods = [{ fromYear: 1, rate: 0.035 }])),
    '/discounting/periods/0/fromYear',
    'the first discount period must start at year 0, not 1',
  );
  const errors = errorsOf(t, (m) => {
    m.discounting.periods = [
      { fromYear: 0, rate: 0.035 },
      { fromYear: 30, rate: 0.03 },
      { fromYear: 30, rate: 0.025 },
    ];
  });
  hasError(t, errors, '/discounting/periods/2/fromYear', "must be later than the previous period's first year (30): periods must increase");
});

t.test('age transitions pointing at states not allowed at that age', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.ageTransitions[0].to = { leaver: 0.5, home: 0.5 };
  });
  hasError(t, errors, '/ageTransitions/0/to/home', 'home is not allowed at age 2 (ages 0-1)');
});

t.test('age transitions: rows, overlaps, states absent before the birthday, the horizon', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.ageTransitions[0].to = { leaver: 0.6, adult: 0.3 };
    m.ageTransitions.push({ atAgeYears: 2, from: ['care', 'adult'], to: { adult: 1 } });
    m.ageTransitions.push({ atAgeYears: 4, from: ['leaver'], to: { adult: 1 } });
  });
  hasError(t, errors, '/ageTransitions/0/to', 'row sums to 0.9, not 1 (age transition at 2)');
  hasError(t, errors, '/ageTransitions/2/from', 'care is already moved at age 2 by /ageTransitions/0');
  hasError(t, errors, '/ageTransitions/2/from/1', 'nobody is in adult (ages 2 and over) at age 1, just before the birthday');
  hasError(t, errors, '/ageTransitions/3/atAgeYears', 'must be below the horizon (4)');
});

t.test('a state people age out of needs an age transition at that age', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.ageTransitions.pop();
  });
  hasError(t, errors, '/states/0/maxAgeYears', 'nobody can be in home from age 2, but no age transition at 2 moves people out of it');
});

t.test('placement moves only for placements, and within-state move costs need a mover', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.states[0].withinStatePlacementMoves = 0.02;
    m.states[1].withinStatePlacementMoves = 0;
  });
  hasError(t, errors, '/states/0/withinStatePlacementMoves', 'only placements have placement moves, and home is not a placement');
  hasError(t, errors, '/eventCosts/0/includeWithinStateMoves', 'no state in both from and to has withinStatePlacementMoves, so no within-state move can trigger it');
});

t.test('effects and rate factors that name no possible transition', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.rateFactors[0].to = ['leaver'];
    m.interventions[0].effects[0].from = ['care'];
    m.interventions[0].effects[0].to = ['care'];
  });
  hasError(t, errors, '/rateFactors/0', 'names no transition with a positive probability, so it would change nothing');
  hasError(t, errors, '/interventions/0/effects/0', 'names no transition with a positive probability, so it would change nothing');
});

t.test('row concentrations must name known bands and states', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.rateUncertainty.rowConcentration = { middle: { home: 5 }, young: { carer: 5 } };
  });
  hasError(t, errors, '/rateUncertainty/rowConcentration/middle', 'unknown age band "middle"');
  hasError(t, errors, '/rateUncertainty/rowConcentration/young/carer', 'unknown state "carer"');
});

t.test('age limits must be ordered', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.states[2].maxAgeYears = 2;
    m.unitCosts[1].maxAgeYears = 2;
    m.interventions[0].eligibility.minAgeYears = 3;
  });
  hasError(t, errors, '/states/2/maxAgeYears', 'must be greater than minAgeYears (2)');
  hasError(t, errors, '/unitCosts/1/maxAgeYears', 'must be greater than minAgeYears (2)');
  hasError(t, errors, '/interventions/0/eligibility/maxAgeYears', 'must be greater than minAgeYears (3)');
});

t.test('JSON pointers escape "/" and "~" in keys', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.transitions['a/b~c'] = {};
  });
  hasError(t, errors, '/transitions/a~1b~0c', /unknown age band "a\/b~c"/);
});

t.test('every error is reported at once', async (t) => {
  const errors = errorsOf(t, (m) => {
    m.transitions.young.care = { care: 0.5, home: 0.3 };
    m.unitCosts[0].source = 'nowhere';
    m.discounting.periods[0].fromYear = 2;
  });
  t.equal(errors.length, 3, JSON.stringify(errors));
});

t.test('a cost above £10m per unit is refused (whole-pence totals stay exact; a misplaced unit shows)', async (t) => {
  const errors = errorsOf(t, (m) => {
    (m.unitCosts as Array<Record<string, unknown>>)[0].amount = 1e308;
  });
  hasError(t, errors, '/unitCosts/0/amount', /1e\+308 is above £10,000,000|is above £10,000,000/);
  const spread = errorsOf(t, (m) => {
    (m.unitCosts as Array<Record<string, unknown>>)[0].amount = { type: 'pert', min: 100, mode: 200, max: 2e7 };
  });
  hasError(t, spread, '/unitCosts/0/amount/max', /is above £10,000,000/);
  const atCeiling = tinyModel();
  (atCeiling.unitCosts as Array<Record<string, unknown>>)[0].amount = 10_000_000;
  t.ok(validateModel(atCeiling).ok, '£10m itself is allowed');
});

t.test('distanceOver20Miles: a share outside [0, 1], an unknown source, a state not in care', async (t) => {
  const care = (m: LooseModel) => m.states.findIndex((s: { id: string }) => s.id === 'care');
  const errors = errorsOf(t, (m) => {
    m.states[care(m)].distanceOver20Miles = { share: 1.2, source: 'test' };
  });
  hasError(t, errors, `/states/${care(tinyModel())}/distanceOver20Miles/share`, 'must be at most 1');
  t.equal(errors.length, 1, 'only the share is named');
  hasError(
    t,
    errorsOf(t, (m) => {
      m.states[care(m)].distanceOver20Miles = { share: -0.1, source: 'test' };
    }),
    `/states/${care(tinyModel())}/distanceOver20Miles/share`,
    'must be at least 0',
  );
  hasError(
    t,
    errorsOf(t, (m) => {
      m.states[care(m)].distanceOver20Miles = { share: 0.3, source: 'hearsay' };
    }),
    `/states/${care(tinyModel())}/distanceOver20Miles/source`,
    /unknown source "hearsay"/,
  );
  const notInCare = tinyModel().states.findIndex((s: { flags?: string[] }) => !(s.flags ?? []).includes('in_care'));
  hasError(
    t,
    errorsOf(t, (m) => {
      m.states[notInCare].distanceOver20Miles = { share: 0.3, source: Object.keys(m.sources)[0] };
    }),
    `/states/${notInCare}/distanceOver20Miles`,
    /only states flagged in_care have a placement distance/,
  );
  const ok = tinyModel();
  ok.states[care(ok)].distanceOver20Miles = { share: 0.25, source: Object.keys(ok.sources)[0] };
  t.ok(validateModel(ok).ok, 'a share in [0, 1] citing a known source validates');
});

t.test('eet: only on a care-leaver state, never with neet (the projected EET share reads it among care leavers)', async (t) => {
  const at = (m: LooseModel, id: string) => m.states.findIndex((s: { id: string }) => s.id === id);
  const care = at(tinyModel(), 'care');
  const leaver = at(tinyModel(), 'leaver');
  hasError(
    t,
    errorsOf(t, (m) => {
      m.states[at(m, 'care')].flags = ['in_care', 'eet'];
    }),
    `/states/${care}/flags`,
    /eet needs care_leaver and excludes neet, and care has in_care, eet/,
  );
  hasError(
    t,
    errorsOf(t, (m) => {
      m.states[at(m, 'leaver')].flags = ['care_leaver', 'neet', 'eet'];
    }),
    `/states/${leaver}/flags`,
    /eet needs care_leaver and excludes neet/,
  );
  const ok = tinyModel();
  ok.states[leaver].flags = ['care_leaver', 'eet'];
  t.ok(validateModel(ok).ok, 'a care leaver in EET validates');
});
