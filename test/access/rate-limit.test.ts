import t from 'tap';
import { AttemptLimiter } from '../../src/services/attempt-limiter.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The rate limit after authentication (issue 14): it keyed on the raw Authorization header, so a
 * fresh fake token per request, or one token spelt "bearer" or with extra spaces, was never
 * limited, and requests without a token were not limited per address.
 */

t.test('one token is one caller however "Bearer" is spelt; another token has its own budget', async (t) => {
  const { app, tokens } = await buildTestApp(t, { rateLimitPerMinute: 5 });
  const spellings = [`Bearer ${tokens.finance}`, `bearer ${tokens.finance}`, `BEARER    ${tokens.finance}`, `Bearer ${tokens.finance}   `, `bEaReR\t${tokens.finance}`];
  for (const authorization of spellings) {
    const response = await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization } });
    t.equal(response.statusCode, 200, JSON.stringify(authorization.slice(0, 7)));
  }
  const limited = await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `bearer  ${tokens.finance}` } });
  t.equal(limited.statusCode, 429, 'the sixth request of the minute, whatever the spelling');
  t.match(limited.headers['content-type'], /^application\/problem\+json/);
  t.ok(Number(limited.headers['retry-after']) > 0, 'says when to come back');
  const other = await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${tokens.board}` } });
  t.equal(other.statusCode, 200, 'another token is not held back');
});

t.test('fresh fake tokens and missing tokens are limited per address, before any lookup', async (t) => {
  const { app, tokens } = await buildTestApp(t, { rateLimitUnauthenticatedPerMinute: 3 });
  const fromA = { remoteAddress: '10.0.0.1' };
  for (let i = 0; i < 3; i++) {
    const response = await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer made-up-${i}-${Math.random()}` }, ...fromA });
    t.equal(response.statusCode, 401, `guess ${i + 1} is refused as unauthorised`);
  }
  const fourth = await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: 'Bearer made-up-4' }, ...fromA });
  t.equal(fourth.statusCode, 429, 'the fourth failure in a minute is not even looked up');
  t.match(fourth.headers['content-type'], /^application\/problem\+json/);
  t.equal((await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${tokens.admin}` }, ...fromA })).statusCode, 429, 'the address waits, whatever it sends next');

  const fromB = { remoteAddress: '10.0.0.2' };
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/models', ...fromB })).statusCode, 401, 'no token');
  t.equal((await app.inject({ method: 'GET', url: '/v1/models', ...fromB })).statusCode, 429, 'requests without a token are limited per address too');

  const fromC = { remoteAddress: '10.0.0.3' };
  t.equal((await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${tokens.admin}` }, ...fromC })).statusCode, 200, 'other addresses are unaffected');
  t.equal((await app.inject({ method: 'GET', url: '/health', ...fromA })).statusCode, 200, 'health stays open');
});

t.test('AttemptLimiter: a fixed window per key', async (t) => {
  let now = 1_000_000;
  const limiter = new AttemptLimiter(2, 60_000, () => now);
  t.equal(limiter.retryAfterSeconds('a'), 0);
  limiter.record('a');
  limiter.record('a');
  t.equal(limiter.retryAfterSeconds('a'), 60, 'two attempts spend the budget of two');
  t.equal(limiter.retryAfterSeconds('b'), 0, 'per key');
  now += 59_500;
  t.equal(limiter.retryAfterSeconds('a'), 1);
  now += 500;
  t.equal(limiter.retryAfterSeconds('a'), 0, 'a new window');
});
