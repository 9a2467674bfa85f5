import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config/index.ts';
import { hashToken } from '../../src/plugins/app/auth.ts';
import type { Role } from '../../src/services/access-control.ts';
import { freshDatabase } from './database.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: FastifyInstance;
  /** A bearer token for each role (admin is ADMIN_TOKEN). */
  tokens: Record<Role, string>;
  /** app.inject with a role's token. */
  as(role: Role, options: InjectOptions): Promise<LightMyRequestResponse>;
}

interface TapLike {
  teardown(fn: () => unknown): void;
}

/** The whole application in-process on a fresh database, closed when the test ends. */
export async function buildTestApp(t: TapLike, overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const config = loadConfig({
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    rateLimitPerMinute: 100_000,
    rateLimitUnauthenticatedPerMinute: 100_000,
    loadDemoData: false,
    workerThreads: 0,
    // Scenario tests run in-process on both back ends; the queue has its own test.
    scenarioQueue: 'off',
    dataDir: await mkdtemp(path.join(tmpdir(), 'pathcast-test-data-')),
    ...overrides,
  });
  const app = await buildApp({ config, database, logger: false });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const tokens = { admin: ADMIN_TOKEN } as Record<Role, string>;
  for (const role of ['finance', 'commissioning', 'head_of_service', 'board'] as const) {
    const value = `test-${role}-token-0123456789`;
    await app.db.insertInto('api_tokens').values({ name: `test ${role}`, role, token_hash: hashToken(value), created_by: null }).execute();
    tokens[role] = value;
  }
  return {
    app,
    tokens,
    as(role, options) {
      return app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${tokens[role]}` } });
    },
  };
}
