import t from 'tap';
import { occupancyChart, occupancyChartSpec } from '../../src/export/charts.ts';
import { members, packRun, scenarioSpec } from './fixtures.ts';

// The occupancy chart against capacity (issue 15) on real runs of the engine. members(40) puts 5
// young people on record in in-house foster care (every 8th of 40).
const entrants = [{ fromYears: 2, toYears: 12, population: 20000, ratePer10000: 20, startingStates: { inhouse_foster: 1 } }];
const options = (seed: number, tail: string) => ({ runs: 20, seed, runId: `00000000-0000-4000-8000-0000000000${tail}` });

interface Layer {
  data: { values: Array<Record<string, unknown>> };
  mark: { strokeDash?: number[]; color?: string };
  encoding: { color?: unknown };
}
const placesLayer = (spec: Record<string, unknown>) => (spec.layer as Layer[])[2];
const subtitleOf = (spec: Record<string, unknown>) => (spec.title as { subtitle: string[] }).subtitle.join(' ');

t.test('places that hold everyone on record, the same as now and with the strategy: one black dashed line', async (t) => {
  const spec = scenarioSpec({ id: 'occupancy-within', capacity: [{ state: 'inhouse_foster', places: 6, overflowTo: 'ifa_foster', waiting: true }], entrants });
  const run = await packRun(spec, members(40), options(9, 'd1'));
  const limits = run.result.capacity?.limits ?? [];
  t.equal(limits[0].occupancyByMonth[0].capacity, 6);
  t.ok(
    limits.every((l) => l.occupancyByMonth.every((m) => m.occupied.p90 <= m.capacity)),
    'the engine keeps the P90 within the places',
  );
  const chart = occupancyChartSpec(run, 0);
  const layer = placesLayer(chart.spec);
  t.equal(layer.mark.color, '#000000', 'one black line');
  t.notOk(layer.encoding.color, 'not split by variant');
  t.same(layer.data.values.slice(0, 2), [{ month: 1, capacity: 6 }, { month: 2, capacity: 6 }]);
  t.match(subtitleOf(chart.spec), /places \(dashed, the same as now and with the strategy\)/);
  t.match(chart.description, /against its places \(at most 6\)/);
  t.match(chart.description, /No new child is placed while the places are full: occupancy stays within them/);
  t.notMatch(chart.description, /exceed the places/);
  const svg = (await occupancyChart(run, 0, 'occupancy-inhouse-foster')).svg;
  t.match(svg, /stroke-dasharray="4,3"/, 'the dashed places line is drawn');
});

t.test('children on record above the places, and more places with the strategy: two lines and a caption that says so', async (t) => {
  // 2 places as now for the 5 on record; the strategy adds 4 (6 places).
  const spec = scenarioSpec({
    id: 'occupancy-above',
    capacity: [{ state: 'inhouse_foster', places: 2, overflowTo: 'ifa_foster', waiting: true }],
    entrants,
    strategy: { ...scenarioSpec().strategy, capacityChanges: [{ state: 'inhouse_foster', additionalPlaces: 4 }] },
  });
  const run = await packRun(spec, members(40), options(11, 'd2'));
  const limits = run.result.capacity?.limits ?? [];
  const baseline = limits.find((l) => l.variant === 'baseline');
  const strategy = limits.find((l) => l.variant === 'strategy');
  if (!baseline || !strategy) throw new Error('a limit a variant');
  t.equal(baseline.occupancyByMonth[0].capacity, 2);
  t.equal(strategy.occupancyByMonth[0].capacity, 6);
  const first = baseline.occupancyByMonth[0].occupied.mean;
  t.ok(first > 2, `${first} children on average in the first month against 2 places: those on record stay`);

  const chart = occupancyChartSpec(run, 0);
  const layer = placesLayer(chart.spec);
  t.notOk(layer.mark.color, 'coloured by variant, not black');
  t.ok(layer.encoding.color, 'split by variant');
  t.same(
    layer.data.values.filter((v) => v.month === 1),
    [
      { month: 1, variant: baseline.variant === limits[0].variant ? 'As now' : 'Strategy', capacity: limits[0].occupancyByMonth[0].capacity },
      { month: 1, variant: baseline.variant === limits[0].variant ? 'Strategy' : 'As now', capacity: limits[1].occupancyByMonth[0].capacity },
    ],
    'both variants’ places, as the engine held them',
  );
  t.match(subtitleOf(chart.spec), /places as now \(grey, dashed\) and with the strategy \(blue, dashed\)/);
  t.match(chart.description, /against its places \(at most 2 as now and 6 with the strategy\)/);
  const shown = first.toLocaleString('en-GB', { maximumFractionDigits: 1 });
  t.ok(
    chart.description.includes(`The children already on record exceed the places: occupancy starts above the line (${shown} children on average in the first month against 2 places), because children already placed stay until they move; no new child is placed until occupancy is below the places.`),
    chart.description,
  );
  t.notMatch(chart.description, /occupancy stays within them/, 'no claim that occupancy stays within the places');
  const svg = (await occupancyChart(run, 0, 'occupancy-inhouse-foster')).svg;
  t.equal((svg.match(/stroke-dasharray="4,3"/g) ?? []).length, 2, 'two dashed places lines');
});
