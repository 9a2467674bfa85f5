import { randomUUID } from 'node:crypto';
import Ajv, { type Options as AjvOptions } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/index.ts';
import type { DatabaseHandle } from './db/connect.ts';
import auth from './plugins/app/auth.ts';
import catalog from './plugins/app/catalog.ts';
import configPlugin from './plugins/app/config.ts';
import database from './plugins/app/database.ts';
import inputRules from './plugins/app/input-rules.ts';
import jobs from './plugins/app/jobs.ts';
import offload from './plugins/app/offload.ts';
import scenarioExecutor from './plugins/app/scenario-executor.ts';
import scenarios from './plugins/app/scenarios.ts';
import simulation from './plugins/app/simulation.ts';
import { errorSerializer, literalSegmentsOf, requestSerializer } from './plugins/app/log-redaction.ts';
import problemDetails, { clientErrorHandler, frameworkErrors } from './plugins/app/problem-details.ts';
import security from './plugins/external/security.ts';
import swagger from './plugins/external/swagger.ts';
import auditRoutes from './routes/access/audit.ts';
import appRoutes from './routes/app/index.ts';
import calibrationRoutes from './routes/calibrations/index.ts';
import carePlanRoutes from './routes/care-plans/index.ts';
import tokenRoutes from './routes/access/tokens.ts';
import modelRoutes from './routes/models/index.ts';
import packRoutes from './routes/packs/index.ts';
import jobRoutes from './routes/jobs/index.ts';
import projectionRoutes from './routes/projections/index.ts';
import scenarioRoutes from './routes/scenarios/index.ts';
import healthRoutes from './routes/system/health.ts';
import youngPeopleRoutes from './routes/young-people/index.ts';
import youngPersonExportRoutes from './routes/young-people/exports.ts';
import boroughRoutes from './routes/borough/index.ts';
import teamRoutes from './routes/teams/index.ts';
import scorecardRoutes from './routes/scorecard/index.ts';
import { DomainError, UnsupportedMediaTypeError } from './services/errors.ts';

export interface AppOptions {
  config: Config;
  /** An open database to use instead of opening one from the config (tests). */
  database?: DatabaseHandle;
  /** The app owns `database` and closes it on shutdown; it is already migrated (the server). */
  ownsDatabase?: boolean;
  logger?: FastifyServerOptions['logger'];
  /** Where the default logger writes (tests read it); stdout when left out. */
  logStream?: { write(line: string): void };
}

/**
 * Request bodies are validated strictly: unknown fields and wrong types are refused, never
 * stripped or coerced, so what a caller sends is what is stored. Query strings and path
 * parameters arrive as text and are coerced to their declared types.
 */
function validators() {
  const base: AjvOptions = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
  const strictAjv = addFormats.default(new Ajv.default({ ...base, coerceTypes: false }));
  const coercingAjv = addFormats.default(new Ajv.default({ ...base, coerceTypes: 'array' }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    httpPart === 'body' ? strictAjv.compile(schema) : coercingAjv.compile(schema);
}

/** Field names whose values must never reach a log line. */
const redactedPaths = ['req.headers.authorization', 'req.headers.cookie'];

function hopsTrusted(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  // Filled as routes are added; the request serializer reads it when a line is written.
  const literalSegments = new Set<string>();
  const app = Fastify({
    logger: options.logger ?? {
      level: options.config.logLevel,
      redact: redactedPaths,
      serializers: { req: requestSerializer(literalSegments) as (request: unknown) => Record<string, unknown>, err: (error: unknown) => errorSerializer(error) },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: options.config.bodyLimitBytes,
    // Behind a reverse proxy every request would otherwise come from the proxy's address, and
    // the per-address limits would hold back every client for one (README, "Configuration").
    // A hop count as Fastify documents it (trust the nearest n); its types omit number.
    trustProxy: typeof options.config.trustProxy === 'number' ? hopsTrusted(options.config.trustProxy) : options.config.trustProxy,
    return503OnClosing: true,
    // Random request ids: problem answers cite them (instance) and log lines carry them.
    genReqId: () => randomUUID(),
    forceCloseConnections: 'idle',
    // Loading and validating the cost models can take a while on a loaded machine; the database
    // is booted before the app is built (src/startup.ts), so nothing here waits on it.
    pluginTimeout: options.config.startTimeoutSeconds * 1000,
    // Errors raised before a route is found, answered as problem+json like every other.
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(validators());
  // Fastify reads text/plain as a string by default, so a JSON operation sent text/plain answered
  // 400 "body must be object"; no route takes plain text, so it is an unsupported media type (415).
  app.removeContentTypeParser('text/plain');
  // PATCH operations are JSON merge patches (RFC 7396), so their media type is read as JSON too;
  // on any other method it is not what the operation takes (415 below).
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  // The CSV imports' plugins read text/csv as a string for every route in them, so a JSON operation
  // there sent CSV answered 400 "body must be object" where the others answer 415: every operation
  // that does not declare CSV (schema.consumes) refuses it the same way.
  app.addHook('preValidation', async (request) => {
    // Only a body sent is judged: a GET carrying a stray Content-Type is not refused for it.
    if (request.body === undefined) return;
    const type = (request.headers['content-type'] ?? '').toLowerCase();
    const consumes = (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? [];
    const csv = /^(text|application)\/csv\b/.test(type) && !consumes.includes('text/csv');
    const mergePatch = /^application\/merge-patch\+json\b/.test(type) && request.method !== 'PATCH';
    if (csv || mergePatch) {
      throw new UnsupportedMediaTypeError(mergePatch ? 'application/merge-patch+json is for PATCH operations; send application/json' : 'This operation takes application/json', 'application/json');
    }
  });
  // Every body is read as UTF-8 (JSON must be, RFC 8259 section 8.1; the CSV imports are): a body
  // labelled in another charset was read as UTF-8 regardless, so it is refused instead.
  app.addHook('preParsing', async (request) => {
    // Only a body sent is judged, as below.
    const length = request.headers['content-length'];
    if ((length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined) return;
    // Every charset parameter, not only the first: "charset=utf-8; charset=utf-16" is not UTF-8.
    // Parameters as RFC 9110 section 5.6.6 writes them: a quoted value is one value, so a ";charset="
    // inside another parameter's quotes is not a charset.
    const charsets = [...(request.headers['content-type'] ?? '').matchAll(/;\s*([!#$%&'*+.^_`|~0-9a-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/gi)]
      .filter((m) => m[1].toLowerCase() === 'charset')
      .map((m) => m[2].trim().replace(/^"(.*)"$/, '$1').toLowerCase());
    if (charsets.some((charset) => charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii')) {
      throw new DomainError(415, 'Unsupported media type', 'Bodies are read as UTF-8: send charset=utf-8, or no charset', [
        { field: 'headers/content-type', reason: 'must name charset=utf-8, or no charset: bodies are read as UTF-8' },
      ]);
    }
  });
  app.addHook('onRoute', (route) => {
    for (const segment of literalSegmentsOf(route.url)) literalSegments.add(segment);
  });

  // Order matters: errors first so every later failure is problem+json; then the config and
  // database everything else needs; then third-party wiring; then auth, which documents and
  // guards each route as it is added; then the routes.
  await app.register(problemDetails);
  await app.register(configPlugin, { config: options.config });
  await app.register(database, { handle: options.database, ...(options.ownsDatabase ? { closeOnShutdown: true, migrate: false } : {}) });
  await app.register(security);
  await app.register(swagger);
  await app.register(auth);
  await app.register(inputRules);
  await app.register(catalog);
  await app.register(simulation);
  await app.register(offload);
  await app.register(jobs);
  await app.register(scenarioExecutor);
  await app.register(scenarios);

  await app.register(healthRoutes);
  await app.register(tokenRoutes);
  await app.register(auditRoutes);
  await app.register(youngPeopleRoutes);
  await app.register(teamRoutes);
  await app.register(scorecardRoutes);
  await app.register(carePlanRoutes);
  await app.register(modelRoutes);
  await app.register(projectionRoutes);
  await app.register(jobRoutes);
  await app.register(scenarioRoutes);
  await app.register(calibrationRoutes);
  await app.register(packRoutes);
  await app.register(youngPersonExportRoutes);
  await app.register(boroughRoutes);
  await app.register(appRoutes);
  return app;
}
