import t from 'tap';
import { runFuzz } from '../fuzz/openapi-fuzz.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The fuzz acceptance test of issue 14, bounded for CI (FUZZ_REQUESTS, default 400; the large run
 * is `npm run fuzz -- --requests 10000`): requests generated from the OpenAPI document to every
 * operation, never a 5xx, problem+json for every 4xx, and nothing stored by a refused request.
 */
t.test('bad requests to every operation: no 5xx, problem+json everywhere, nothing stored', async (t) => {
  const test = await buildTestApp(t);
  const requests = Number(process.env.FUZZ_REQUESTS ?? 400);
  const figures = await runFuzz(test, { requests, seed: 20261130 });
  // The same number for every operation, rounded up: at least as many as asked, at most one more an operation.
  t.ok(figures.requests >= requests && figures.requests < requests + figures.operations, `${figures.requests} requests sent`);
  t.same(figures.failures, [], 'no failures');
  t.ok(figures.operations >= 45, `${figures.operations} operations in the document`);
  t.equal(Object.keys(figures.byOperation).length, figures.operations, 'every operation was sent something');
  t.ok(Object.keys(figures.byStatus).some((s) => s.startsWith('4')), 'requests were refused (the generator makes bad ones)');
});
