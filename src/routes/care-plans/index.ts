import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import {
  BudgetQuery,
  CarePlan,
  CarePlanComparison,
  CarePlanInput,
  CarePlanList,
  CarePlanPatch,
  PathwayBudget,
  PathwayProjection,
  PathwayProjectionSummary,
  PersonParams,
  PersonPlanParams,
  ProjectionListQuery,
  RunPathwayProjectionBody,
} from '../../schemas/care-plans.ts';
import { conflict, gone, IdParams, notFound, pageOf, payloadTooLarge, standardErrors, unprocessable } from '../../schemas/common.ts';
import { Job } from '../../schemas/jobs.ts';
import { MAX_RUNS } from '../../schemas/projections.ts';
import { createCarePlan, deleteCarePlan, getCarePlan, listCarePlans, updateCarePlan } from '../../services/care-plans.ts';
import { getPathwayBudget } from '../../services/pathway-budget.ts';
import {
  compareCarePlans,
  getPathwayProjection,
  listPathwayProjections,
  type PathwayDeps,
  type ProjectionOutcome,
  rerunPathwayProjection,
  runPathwayProjection,
  SYNCHRONOUS_LIMIT_PERSON_MONTHS,
} from '../../services/pathway-projections.ts';
import { jobDto } from '../jobs/index.ts';

const PLAN_RULES = [
  'A plan is checked against the default model for the young person’s age this month: states and interventions must exist, moves must be in month order, within the horizon (the 25th birthday) and into states the age then allows (supported accommodation from 16, care leaver states from 18), and each intervention must be open to the state and age the plan has them in when it starts.',
  'Each problem is a 422 naming the item, e.g. `body/moves/0/to`. Plans are checked again whenever they are projected.',
].join(' ');

const PROJECTION_DESCRIPTION = [
  'Projects the young person’s care plans (all of them, or `planIds`; the current course is always included and comes first) from `startMonth` (this month by default) to the model’s horizon, with the Monte Carlo engine:',
  'per plan the distribution of the total (mean, standard error, P5 to P95; present value and cash), by financial year, agency, year of age and state, outcomes, and each plan’s exact expectation; each other plan against the current course, run by run with common random numbers: expected saving, its 90% interval and the probability of being cheaper, with a sentence for a report.',
  'Without a placement price in the plan, a plan that starts in today’s placement uses its actual weekly price from the record.',
  `Limits: runs 1 to ${MAX_RUNS.toLocaleString('en-GB')} (default 10,000); a seed from 0 to 2^53 − 1 (chosen and returned when left out); the model england-default unless named.`,
  `Work up to ${SYNCHRONOUS_LIMIT_PERSON_MONTHS.toLocaleString('en-GB')} person-months (runs × plans × months) answers 201 with the stored projection (or 202 if the job queue is busy); larger work answers 202 with a job (Location: /v1/jobs/{id}) whose result, once stored whole, is at getPathwayProjection. A cancelled job stores nothing.`,
  'The result is stored with the plans as projected, start month, age, model version and hash, and seed, so rerunPathwayProjection reproduces it bit for bit. Every run is audited.',
].join('\n\n');

export default async function carePlanRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const deps = (): PathwayDeps => ({ db: fastify.db, catalog: fastify.catalog, pool: fastify.simulation, jobs: fastify.jobs });

  const answer = (reply: FastifyReply, outcome: ProjectionOutcome) =>
    outcome.status === 'stored'
      ? reply.code(201).header('location', outcome.projection.links.self).send(outcome.projection)
      : reply.code(202).header('location', `/v1/jobs/${outcome.job.id}`).send(jobDto(outcome.job));

  fastify.post(
    '/v1/young-people/:id/care-plans',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'createCarePlan',
        tags: ['care-plans'],
        summary: 'Add a named care plan (a course of action) for a young person',
        description: `${PLAN_RULES} The first plan is the current course; \`isCurrent: true\` makes a later one current. At most 8 plans, with different names (409).`,
        params: PersonParams,
        body: CarePlanInput,
        response: { 201: CarePlan, ...standardErrors, ...notFound, ...conflict, ...gone, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request, reply) => {
      const plan = await createCarePlan(deps(), request.actor, request.params.id, request.body, new Date());
      return reply.code(201).header('location', `/v1/young-people/${plan.youngPersonId}/care-plans/${plan.id}`).send(plan);
    },
  );

  fastify.get(
    '/v1/young-people/:id/care-plans',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'listCarePlans',
        tags: ['care-plans'],
        summary: 'A young person’s care plans, the current course first',
        params: PersonParams,
        response: { 200: CarePlanList, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request) => listCarePlans(fastify.db, request.params.id),
  );

  fastify.get(
    '/v1/young-people/:id/care-plans/:planId',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'getCarePlan',
        tags: ['care-plans'],
        summary: 'One care plan of a young person (404 for a plan of anyone else)',
        params: PersonPlanParams,
        response: { 200: CarePlan, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request) => getCarePlan(fastify.db, request.params.id, request.params.planId),
  );

  fastify.patch(
    '/v1/young-people/:id/care-plans/:planId',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'updateCarePlan',
        tags: ['care-plans'],
        summary: 'Change a care plan, or make it the current course',
        description: `Fields sent replace the stored ones (arrays as a whole; null for startState or currentPlacementWeeklyPrice goes back to the default). ${PLAN_RULES} \`isCurrent: true\` makes this the current course and unmarks the other in the same transaction; the current course cannot be unmarked (409).`,
        params: PersonPlanParams,
        body: CarePlanPatch,
        response: { 200: CarePlan, ...standardErrors, ...notFound, ...conflict, ...gone, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request) => updateCarePlan(deps(), request.actor, request.params.id, request.params.planId, request.body, new Date()),
  );

  fastify.delete(
    '/v1/young-people/:id/care-plans/:planId',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'deleteCarePlan',
        tags: ['care-plans'],
        summary: 'Delete a care plan',
        description: 'The current course can be deleted only when it is the last plan (409 otherwise: mark another current first). Stored projections keep their own copy of the plans they projected.',
        params: PersonPlanParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...standardErrors, ...notFound, ...conflict, ...gone },
      },
    },
    async (request, reply) => {
      await deleteCarePlan(fastify.db, request.actor, request.params.id, request.params.planId);
      return reply.code(204).send(null);
    },
  );

  fastify.get(
    '/v1/young-people/:id/budget',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'getPathwayBudget',
        tags: ['projections'],
        summary: 'The immediate budget: the committed cost of the next 12 months of today’s package',
        description: [
          'Straight from the record, no simulation. The window is the 12 months from `asOf` (today by default).',
          'The placement costs its actual weekly price for each day in the window, booked to children’s social care; each service its weekly cost for each day it runs in the window (start to end date inclusive), booked to its funding agency; a day is a seventh of a week.',
          'Each line is split by financial year (April to March) and rounded to the penny; the totals by agency, by financial year and overall are sums of those, so they reconcile exactly.',
        ].join(' '),
        params: PersonParams,
        querystring: BudgetQuery,
        response: { 200: PathwayBudget, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request) => getPathwayBudget(fastify.db, request.params.id, request.query.asOf ? new Date(`${request.query.asOf}T00:00:00Z`) : new Date()),
  );

  fastify.post(
    '/v1/young-people/:id/projections',
    {
      config: { capability: 'projections:run' },
      schema: {
        operationId: 'runPathwayProjection',
        tags: ['projections'],
        summary: 'Project a young person’s care plans to their 25th birthday, best and worst case, and compare them',
        description: PROJECTION_DESCRIPTION,
        params: PersonParams,
        body: RunPathwayProjectionBody,
        response: { 201: PathwayProjection, 202: Job, ...standardErrors, ...notFound, ...conflict, ...gone, ...unprocessable },
      },
    },
    async (request, reply) => answer(reply, await runPathwayProjection(deps(), request.actor, request.params.id, request.body, new Date())),
  );

  fastify.get(
    '/v1/young-people/:id/projections',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'listPathwayProjections',
        tags: ['projections'],
        summary: 'A young person’s stored projections, newest first (without their results)',
        params: PersonParams,
        querystring: ProjectionListQuery,
        response: { 200: pageOf(PathwayProjectionSummary), ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request) => listPathwayProjections(fastify.db, request.params.id, request.query),
  );

  fastify.get(
    '/v1/pathway-projections/:id',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'getPathwayProjection',
        tags: ['projections'],
        summary: 'A stored pathway projection: its inputs, model version, seed and results',
        params: IdParams,
        response: { 200: PathwayProjection, ...standardErrors, ...notFound },
      },
    },
    async (request) => getPathwayProjection(fastify.db, request.params.id),
  );

  fastify.post(
    '/v1/pathway-projections/:id/rerun',
    {
      config: { capability: 'projections:run' },
      schema: {
        operationId: 'rerunPathwayProjection',
        tags: ['projections'],
        summary: 'Run a stored projection again from its stored inputs; the numbers must be identical',
        description:
          'Uses the stored plans, start month, age, discount rate, runs and seed, and the same model version, checked by its content hash (409 if the catalog no longer holds it). Stores the re-run as a new projection with `rerunOf` and `matchesOriginal`. Answers like runPathwayProjection: 201, or 202 with a job for large work.',
        params: IdParams,
        response: { 201: PathwayProjection, 202: Job, ...standardErrors, ...notFound, ...conflict, ...gone, ...unprocessable },
      },
    },
    async (request, reply) => answer(reply, await rerunPathwayProjection(deps(), request.actor, request.params.id)),
  );

  fastify.get(
    '/v1/pathway-projections/:id/comparison',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'compareCarePlans',
        tags: ['projections'],
        summary: 'Best case, expected and worst case of each plan, and each plan against the current course, in figures and words',
        description:
          'Best case is the 10th percentile of the total, worst case the 90th, expected the mean, present value and cash. Against the current course: the expected saving, its 90% interval (P5 to P95), the probability of costing less, and the drivers (savings by agency and by state, largest first). `summary` says it in sentences fit for a report.',
        params: IdParams,
        response: { 200: CarePlanComparison, ...standardErrors, ...notFound },
      },
    },
    async (request) => compareCarePlans(fastify.db, request.params.id),
  );
}
