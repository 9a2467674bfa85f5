import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { compileModel } from '../simulation/model.ts';
import { prepareScenario } from '../simulation/scenario.ts';
import { defaultModelSpec, scaledScenarioWorkload } from './workloads.ts';

/**
 * `node src/bench/prepare-bench.ts [SCENARIO.json] [PEOPLE]` (env REPEAT, default 1: prepares that many
 * times and reports the least, the first including warm-up): CPU seconds and bytes allocated (heap
 * growth is not measured; `process.cpuUsage`) of preparing one scenario (planning flows included)
 * for PEOPLE young people, scaled as places-runs.ts scales it, and a hash of everything prepared
 * (planning figures, periods, offers), so a change meant to keep them can be checked to. One JSON
 * line with the load average; not a test, never asserted.
 */
const file = process.argv[2] ?? 'scenarios/inhouse-foster-recruitment.json';
const people = Number(process.argv[3] ?? 1000);
const spec = defaultModelSpec();
const model = compileModel(spec);
const { scenario, members } = scaledScenarioWorkload(file, model, people);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const repeat = Number(process.env.REPEAT ?? 1);
let seconds = Number.POSITIVE_INFINITY;
let prepared = prepareScenario(scenario, spec, members, { baseKey: `${spec.id}@${spec.version}`, seed: 1, runs: 100 });
for (let k = 0; k < repeat; k++) {
  const c0 = cpu();
  prepared = prepareScenario(scenario, spec, members, { baseKey: `${spec.id}@${spec.version}`, seed: 1, runs: 100 });
  seconds = Math.min(seconds, cpu() - c0);
}
// Typed arrays as plain arrays, so the digest sees their numbers.
const plain = JSON.stringify({ planning: prepared.planning, variants: prepared.variants.map((v) => ({ slot: v.slot, places: v.places })) }, (_k, v) =>
  ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v,
);
console.log(
  JSON.stringify({ file, people, cpuSeconds: Number(seconds.toFixed(3)), load: loadavg().map((x) => Number(x.toFixed(1))), hash: createHash('sha256').update(plain).digest('hex').slice(0, 16) }),
);
