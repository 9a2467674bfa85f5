import t from 'tap';
import { trustProxySetting } from '../../src/config/index.ts';
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

t.test('TRUST_PROXY: with it, X-Forwarded-For names the client the limits key on; without it, it does not', async (t) => {
  const viaProxy = (client: string) => ({ remoteAddress: '10.9.9.9', headers: { 'x-forwarded-for': client } });
  const trusting = (await buildTestApp(t, { rateLimitUnauthenticatedPerMinute: 2, trustProxy: ['10.9.9.0/24'] })).app;
  for (let i = 0; i < 2; i++) t.equal((await trusting.inject({ method: 'GET', url: '/v1/models', ...viaProxy('203.0.113.7') })).statusCode, 401);
  t.equal((await trusting.inject({ method: 'GET', url: '/v1/models', ...viaProxy('203.0.113.7') })).statusCode, 429, 'the guessing client is held back');
  t.equal((await trusting.inject({ method: 'GET', url: '/v1/models', ...viaProxy('198.51.100.4') })).statusCode, 401, 'another client behind the same proxy is not');
  const spoofed = { remoteAddress: '192.0.2.50', headers: { 'x-forwarded-for': '198.51.100.99' } };
  for (let i = 0; i < 2; i++) await trusting.inject({ method: 'GET', url: '/v1/models', ...spoofed });
  t.equal((await trusting.inject({ method: 'GET', url: '/v1/models', remoteAddress: '192.0.2.50' })).statusCode, 429, 'a peer that is not a trusted proxy cannot choose its address');

  const plain = (await buildTestApp(t, { rateLimitUnauthenticatedPerMinute: 2 })).app;
  for (let i = 0; i < 2; i++) t.equal((await plain.inject({ method: 'GET', url: '/v1/models', ...viaProxy('203.0.113.7') })).statusCode, 401);
  t.equal((await plain.inject({ method: 'GET', url: '/v1/models', ...viaProxy('198.51.100.4') })).statusCode, 429, 'by default the header is ignored: the peer is the address');
});

t.test('TRUST_PROXY values', async (t) => {
  t.equal(trustProxySetting(undefined), false);
  t.equal(trustProxySetting('false'), false);
  t.equal(trustProxySetting('true'), true);
  t.equal(trustProxySetting('2'), 2);
  t.same(trustProxySetting('127.0.0.1, 10.0.0.0/8,::1'), ['127.0.0.1', '10.0.0.0/8', '::1']);
  t.throws(() => trustProxySetting('proxy.internal'), /TRUST_PROXY must be .*"proxy.internal" is none of these/);
  t.throws(() => trustProxySetting('10.0.0.0/33'), /TRUST_PROXY/);
});

t.test('/health is limited per address like every public route', async (t) => {
  const { app } = await buildTestApp(t, { rateLimitPerMinute: 3 });
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/health', remoteAddress: '10.1.0.1' })).statusCode, 200);
  const limited = await app.inject({ method: 'GET', url: '/health', remoteAddress: '10.1.0.1' });
  t.equal(limited.statusCode, 429, 'the fourth in a minute from one address');
  t.match(limited.headers['content-type'], /^application\/problem\+json/);
  t.equal((await app.inject({ method: 'GET', url: '/health', remoteAddress: '10.1.0.2' })).statusCode, 200, 'another address is not held back');
});
