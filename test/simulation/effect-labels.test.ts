import { readFileSync } from 'node:fs';
import t from 'tap';
import { parameterList } from '../../src/simulation/engine.ts';
import { compileModel } from '../../src/simulation/model.ts';

/**
 * The tornado's labels for interventions' effects (issue 18): they say what each effect acts on,
 * never "effect 1", and no two inputs share a label. Expectations read off models/england-default.json
 * by hand (each intervention's effects' `to` selectors, states' labels).
 */
const spec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));

t.test('effect labels say where the effect moves people to', async (t) => {
  const labels = parameterList(compileModel(spec)).map((p) => p.label);
  const effects = labels.filter((label) => label.includes(': effect'));
  t.same(effects, [
    'Multisystemic therapy (MST): effect on moves to any looked after state',
    'Multisystemic therapy (MST): effect on moves to youth custody',
    'Functional family therapy (FFT): effect on moves to any looked after state',
    'Family group conference: effect on moves to in-house foster care and 4 other states',
    'Family group conference: effect on moves to kinship (connected person) foster care',
    'Therapeutic support for step-down from residential care: effect on moves to in-house foster care and 2 other states',
    'Therapeutic support for step-down from residential care: effect on moves to residential children’s home',
    'Guardian mentor for care leavers: effect on moves to independent, not in education, employment or training',
    'Guardian mentor for care leavers: effect on moves to independent, in education, employment or training',
    'Guardian mentor for care leavers: effect on moves to homeless',
    'Enhanced staying put support: effect on moves to supported lodgings or semi-independent and 4 other states',
  ]);
  t.equal(new Set(labels).size, labels.length, 'no two inputs share a label');
  t.notOk(labels.some((label) => /effect \d/.test(label)), 'no numbered effect where the text tells them apart');
});

t.test('two effects to the same place are told apart by where from, then by number', async (t) => {
  const twin = structuredClone(spec);
  const mst = twin.interventions.find((iv: { id: string }) => iv.id === 'mst');
  mst.effects = [
    { from: ['edge_of_care'], to: ['youth_custody'], multiplier: 0.8 },
    { from: ['cin_cp'], to: ['youth_custody'], multiplier: 0.9 },
    { from: ['cin_cp'], to: ['youth_custody'], multiplier: 0.7 },
  ];
  const labels = parameterList(compileModel(twin)).filter((p) => p.name.startsWith('effect:mst:')).map((p) => p.label);
  t.same(labels, [
    'Multisystemic therapy (MST): effect on moves from edge of care (intensive intervention) to youth custody',
    'Multisystemic therapy (MST): effect 2 on moves from child in need or on a protection plan to youth custody',
    'Multisystemic therapy (MST): effect 3 on moves from child in need or on a protection plan to youth custody',
  ]);
});
