import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { compileModel } from '../simulation/model.ts';
import { type ScenarioShard, prepareScenario, simulateScenarioShard } from '../simulation/scenario.ts';
import { modelFor } from '../simulation/worker.ts';
import { defaultModelSpec, scaledScenarioWorkload } from './workloads.ts';

/**
 * `node src/bench/places-runs.ts [SCENARIO.json] [RUNS] [PEOPLE]` (env BLOCK = runs a shard, default
 * 25; MODE=people for the independent-people path of before issue 15): CPU seconds a run of one
 * scenario with shared places, in this thread, scaled to PEOPLE young people as the
 * `scenario_1000x2000_seconds` figure scales it. The first shard (compiling, warming up) is left
 * out of `steadyCpuPerRun`. `hash` digests every shard's vectors, parameters and place figures, so
 * a change meant to keep every number can be checked to keep them (the people path has no hash).
 * Prints one JSON line with the load average; not a test, never asserted.
 */
const file = process.argv[2] ?? 'scenarios/inhouse-foster-recruitment.json';
const runs = Number(process.argv[3] ?? 100);
const people = Number(process.argv[4] ?? 1000);
const block = Number(process.env.BLOCK ?? 25);
const spec = defaultModelSpec();
const model = compileModel(spec);
const { scenario, members } = scaledScenarioWorkload(file, model, people);
const prepared = prepareScenario(scenario, spec, members, { baseKey: `${spec.id}@${spec.version}`, seed: 1, runs });
const shards: ScenarioShard[] = [];
if (process.env.MODE === 'people') {
  for (let start = 0; start < prepared.people.length; start += 200) shards.push({ kind: 'people', start, end: Math.min(prepared.people.length, start + 200) });
  for (let group = 0; group < prepared.entrants.length; group++) shards.push({ kind: 'entrants', group });
} else {
  shards.push({ kind: 'runs' });
}
const hash = createHash('sha256');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const cpu0 = cpu();
let steady0 = cpu0;
for (let r = 0; r < runs; r += block) {
  for (const shard of shards) {
    const chunk = simulateScenarioShard(prepared, shard, r, Math.min(runs, r + block), modelFor) as { vectors: Float64Array; parameters: Float64Array; places?: Float64Array };
    if (shard.kind !== 'runs') continue;
    for (const a of [chunk.vectors, chunk.parameters, chunk.places ?? new Float64Array(0)]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  if (r === 0) steady0 = cpu();
}
const end = cpu();
console.log(
  JSON.stringify({
    file,
    runs,
    people,
    mode: process.env.MODE === 'people' ? 'people' : 'runs',
    cpuSecondsPerRun: (end - cpu0) / runs,
    steadyCpuPerRun: runs > block ? (end - steady0) / (runs - block) : null,
    load: loadavg().map((x) => Number(x.toFixed(1))),
    hash: process.env.MODE === 'people' ? null : hash.digest('hex').slice(0, 16),
  }),
);
