import { availableParallelism } from 'node:os';
import { figures } from './figures.ts';
import { loadAverage, processCpuMs, rounded } from './measure.ts';

/**
 * Measures one figure (by name) and prints it as a JSON line; run.ts runs each in its own process.
 * Beside the figure's own detail: the load average before and after (1, 5, 15 minutes), the
 * machine's cores, and the wall and whole-process CPU time the measurement took.
 */
const name = process.argv[2];
const figure = figures.find((f) => f.name === name);
if (!figure) {
  console.error(`unknown figure ${name}`);
  process.exit(2);
}
const loadBefore = loadAverage();
const cpu0 = processCpuMs();
const t0 = performance.now();
const measured = await figure.measure();
const seconds = (performance.now() - t0) / 1000;
const cpuSeconds = (processCpuMs() - cpu0) / 1000;
const { value, ...detail } = typeof measured === 'number' ? { value: measured } : measured;
console.log(
  JSON.stringify(
    rounded({
      name: figure.name,
      value,
      unit: figure.unit,
      ...detail,
      measured: { seconds, process_cpu_seconds: cpuSeconds, cores: availableParallelism(), load_before: loadBefore, load_after: loadAverage() },
    }),
  ),
);
