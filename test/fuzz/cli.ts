import { parseArgs } from 'node:util';
import { buildTestApp } from '../helpers/app.ts';
import { runFuzz } from './openapi-fuzz.ts';

/**
 * `npm run fuzz -- --requests 10000 [--seed N]`: the large fuzz run against a fresh in-process
 * service (PGlite, or the PostgreSQL at DATABASE_URL), printing its figures. Exits 1 on any
 * failure (a 5xx, a 4xx that is not problem+json, a refused request that stored something).
 */
const { values } = parseArgs({ options: { requests: { type: 'string', default: '10000' }, seed: { type: 'string', default: String(Date.now() % 1_000_000) }, only: { type: 'string', multiple: true } } });
const requests = Number(values.requests);
const seed = Number(values.seed);
const teardowns: Array<() => unknown> = [];
const test = await buildTestApp({ teardown: (fn) => teardowns.push(fn) });
const figures = await runFuzz(test, { requests, seed, ...(values.only ? { only: values.only } : {}) });
for (const fn of teardowns.reverse()) await fn();

const classes = Object.entries(figures.byStatus).sort(([a], [b]) => Number(a) - Number(b));
process.stdout.write(
  [
    `fuzz: ${figures.requests} requests over ${figures.operations} operations (seed ${seed})`,
    `  statuses:   ${classes.map(([status, n]) => `${status}×${n}`).join(' ')}`,
    `  5xx:        ${classes.filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0)}`,
    `  failures:   ${figures.failures.length}`,
    ...figures.failures.map((f) => `    ${f}`),
    `  wall:       ${(figures.wallMs / 1000).toFixed(1)} s (${((figures.requests / figures.wallMs) * 1000).toFixed(0)} requests/s)`,
    `  cpu:        ${(figures.cpuMs / 1000).toFixed(1)} s (this process)`,
    `  load avg:   ${figures.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
    `  least-hit operation: ${Object.entries(figures.byOperation).sort((a, b) => a[1] - b[1])[0]?.join(' × ')}`,
    '',
  ].join('\n'),
);
process.exit(figures.failures.length > 0 ? 1 : 0);
