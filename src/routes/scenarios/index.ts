import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { scenarioJsonSchema } from '../../catalog/scenario-json-schema.ts';
import { Scenario } from '../../catalog/scenario-schema.ts';
import { documentBodyAs } from '../../plugins/external/swagger.ts';
import { conflict, notFound, payloadTooLarge, standardErrors, unprocessable } from '../../schemas/common.ts';
import { Job } from '../../schemas/jobs.ts';
import {
  CandidateScenario,
  CompareScenarioRunsQuery,
  ListScenarioRunsQuery,
  ListScenariosQuery,
  MAX_SCENARIO_RUNS,
  RunScenarioBody,
  ScenarioDocument,
  ScenarioIdParams,
  ScenarioList,
  ScenarioRun,
  ScenarioRunComparison,
  ScenarioRunList,
  ScenarioRunParams,
  ScenarioVersionQuery,
} from '../../schemas/scenarios.ts';
import { compareScenarioRuns, getScenarioRun, listScenarioRunsPage, parseRunIds, type ScenarioRunDeps, startScenarioRun } from '../../services/scenario-runs.ts';
import { createScenario, getScenario, listScenarios, updateScenario } from '../../services/scenarios.ts';
import { jobDto } from '../jobs/index.ts';

const SCENARIO_RULES = [
  'The body is a scenario in the format of getScenarioSchema. Besides the schema, it is checked against the model it names: known states, interventions and unit costs;',
  'entrant rates that are rates (at most 10,000 per 10,000) with starting shares summing to 1 and age bands that do not overlap; capacity limits one per state, never negative after the strategy’s changes;',
  'years within the horizon, and a lifetime horizon the model can follow. Every problem is a 422 naming its field under `body/`, e.g. `body/strategy/interventions/0/id`; nothing is stored.',
].join(' ');

/** A scenario with many yearly figures and investment lines stays well under this. */
const SCENARIO_BODY_LIMIT = 1_048_576;

export default async function scenarioRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const deps = (): ScenarioRunDeps => ({ db: fastify.db, catalog: fastify.catalog, files: fastify.scenarios, executor: fastify.scenarioExecutor, jobs: fastify.jobs, offload: fastify.offload });

  fastify.get(
    '/v1/scenarios/schema',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getScenarioSchema',
        tags: ['scenarios'],
        summary: 'The JSON Schema of the scenario format',
        description: 'The same document as scenarios/scenario.schema.json. Rules a schema cannot express (known states and interventions, shares summing to 1, capacities) are checked when a scenario is stored.',
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'A JSON Schema (draft-07) document' }), ...standardErrors },
      },
    },
    async () => scenarioJsonSchema(),
  );

  fastify.get(
    '/v1/scenarios',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'listScenarios',
        tags: ['scenarios'],
        summary: 'List scenario versions: the files in scenarios/ and those stored through the API',
        description: 'By id, newest version first; `latest` marks the newest version of each id.',
        querystring: ListScenariosQuery,
        response: { 200: ScenarioList, ...standardErrors },
      },
    },
    async (request) => listScenarios(deps(), { id: request.query.id, origin: request.query.origin, limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 }),
  );

  fastify.get(
    '/v1/scenarios/:id',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getScenario',
        tags: ['scenarios'],
        summary: 'A scenario version, as written',
        params: ScenarioIdParams,
        querystring: ScenarioVersionQuery,
        response: { 200: ScenarioDocument, ...standardErrors, ...notFound },
      },
    },
    async (request) => getScenario(deps(), request.params.id, request.query.version),
  );

  fastify.post(
    '/v1/scenarios',
    {
      bodyLimit: SCENARIO_BODY_LIMIT,
      config: { capability: 'scenarios:write', swaggerTransform: documentBodyAs(Scenario) },
      schema: {
        operationId: 'createScenario',
        tags: ['scenarios'],
        summary: 'Store a new scenario',
        description: `${SCENARIO_RULES}\n\nThe id must be new: an id already stored answers 409 (store a new version with updateScenario), and so does the id of a file in scenarios/. Audited.`,
        body: CandidateScenario,
        response: { 201: ScenarioDocument, ...standardErrors, ...conflict, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request, reply) => {
      const created = await createScenario(deps(), request.actor, request.body);
      return reply.code(201).header('location', created.links.self).send(created);
    },
  );

  fastify.put(
    '/v1/scenarios/:id',
    {
      bodyLimit: SCENARIO_BODY_LIMIT,
      config: { capability: 'scenarios:write', swaggerTransform: documentBodyAs(Scenario) },
      schema: {
        operationId: 'updateScenario',
        tags: ['scenarios'],
        summary: 'Store a new version of a scenario',
        description: `A stored version never changes: the body is the whole scenario with the same id and a version above the latest (409 otherwise). Scenarios from files in scenarios/ are read-only (409): copy one under a new id with createScenario.\n\n${SCENARIO_RULES} Audited.`,
        params: ScenarioIdParams,
        body: CandidateScenario,
        response: { 201: ScenarioDocument, ...standardErrors, ...notFound, ...conflict, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request, reply) => {
      const stored = await updateScenario(deps(), request.actor, request.params.id, request.body);
      return reply.code(201).header('location', stored.links.self).send(stored);
    },
  );

  fastify.post(
    '/v1/scenarios/:id/runs',
    {
      config: { capability: 'scenarios:write' },
      // Every field is optional, so no body at all means the defaults.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        operationId: 'runScenario',
        tags: ['scenarios'],
        summary: 'Run a scenario against its baseline, as a job',
        description: [
          'Runs the scenario (its newest version unless `version` is given) and its baseline ("as now": the same cohort and entrants, no strategy) on common random numbers.',
          'The cohort is read from the young people on record when the job starts (erased records never), with ages on 1 April of the first planning year; new entrants are drawn per run.',
          `Answers 202 with the job (Location: /v1/jobs/{id}); once it has succeeded its result is at getScenarioRun. Progress and cancelJob as for any job; a cancelled run stores nothing.`,
          `runs ${10} to ${MAX_SCENARIO_RUNS.toLocaleString('en-GB')} (the scenario’s own, else 2,000); the seed is the scenario’s own, else chosen at random, and stored with the run.`,
          'A scenario whose model has gone, or no longer fits the model it names, answers 422 with fields under `scenario/`; one that would project nobody answers 422. Audited.',
        ].join('\n\n'),
        params: ScenarioIdParams,
        body: RunScenarioBody,
        response: { 202: Job, ...standardErrors, ...notFound, ...conflict, ...unprocessable },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { job } = await startScenarioRun(deps(), request.actor, request.params.id, { version: body.version, runs: body.runs, seed: body.seed });
      return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(jobDto(job));
    },
  );

  fastify.get(
    '/v1/scenario-runs',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'listScenarioRuns',
        tags: ['scenarios'],
        summary: 'Stored scenario runs, newest first, without their results',
        querystring: ListScenarioRunsQuery,
        response: { 200: ScenarioRunList, ...standardErrors },
      },
    },
    async (request) => listScenarioRunsPage(deps(), { scenario: request.query.scenario, version: request.query.version, team: request.query.team, limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 }, request.actor.role),
  );

  fastify.get(
    '/v1/scenario-runs/compare',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'compareScenarioRuns',
        tags: ['scenarios'],
        summary: 'Stored runs side by side, with their differences from the first',
        description: [
          'For each run the same headline: spend by financial year under baseline and strategy and the saving (mean, P10, P90), the planning-horizon totals, NPV, benefit-cost ratio, payback, the chance benefits exceed costs, children in care by year and the strongest drivers.',
          'Then, for each run after the first, its differences from the first: of the means and of the P10s and P90s (not percentiles of a difference: the runs are stored as summaries).',
          'Runs over different cohorts (cohort hashes differ) answer 409 unless allowDifferentCohorts=true. An unknown run answers 404.',
          'Runs of different appraisal conventions (continuing_demand against closed_cohort), price bases or discount rates are compared with a `warnings` entry naming what differs; runs in different currencies answer 422.',
        ].join('\n\n'),
        querystring: CompareScenarioRunsQuery,
        response: { 200: ScenarioRunComparison, ...standardErrors, ...notFound, ...conflict, ...unprocessable },
      },
    },
    async (request) => compareScenarioRuns(deps(), parseRunIds(request.query.ids), request.query.allowDifferentCohorts ?? false, request.actor.role),
  );

  fastify.get(
    '/v1/scenario-runs/:id',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getScenarioRun',
        tags: ['scenarios'],
        summary: 'A stored scenario run: what was run, and the result',
        description: [
          'The scenario and model versions and hashes, seed, runs, the cohort’s hash and size and the software version: with these the run can be reproduced.',
          'The result: spend per financial year and per agency under baseline and strategy (mean, P5, P10, P50, P90, P95) and the saving; invest-to-save over the lifetime horizon (NPV, benefit-cost ratio, return on investment, payback year as a distribution, the chance benefits exceed costs, cashable and non-cashable savings, who invests and who saves by agency);',
          'children in each state at 31 March; outcomes (months in residential care, placement moves, NEET, custody); interventions delivered; a sensitivity (tornado) analysis of the NPV. Aggregates only.',
        ].join(' '),
        params: ScenarioRunParams,
        response: { 200: ScenarioRun, ...standardErrors, ...notFound },
      },
    },
    async (request) => getScenarioRun(deps(), request.params.id, request.actor.role),
  );
}
