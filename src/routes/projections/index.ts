import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { CostModelSpec } from '../../catalog/model-schema.ts';
import { validateModel } from '../../catalog/validate-model.ts';
import { appendAuditEvent } from '../../db/repositories/audit.ts';
import { randomSeed } from '../../simulation/random.ts';
import { modelFor } from '../../simulation/worker.ts';
import { payloadTooLarge, standardErrors, unprocessable } from '../../schemas/common.ts';
import { DEFAULT_RUNS, ProjectionResultSchema, RunProjectionBody } from '../../schemas/projections.ts';
import { type FieldError, UnprocessableError } from '../../services/errors.ts';
import { resolvePlan } from '../../services/plans.ts';
import { unknownModel } from '../../services/care-plans.ts';
import { parseStartMonth, projectPlans } from '../../services/projections.ts';
import { monthIndex } from '../../services/young-people.ts';

/** Work one synchronous call may ask for: runs × plans × months. */
export const MAX_PERSON_MONTHS = 60_000_000;

export default async function projectionRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();

  fastify.post(
    '/v1/projections',
    {
      bodyLimit: 5 * 1_048_576,
      config: { capability: 'projections:run' },
      schema: {
        operationId: 'runProjection',
        tags: ['projections'],
        summary: 'Project costs from a starting age and state under a model (for analysts trying a model)',
        description: [
          'Runs the Monte Carlo engine for one starting point under one or more plans and returns the summaries (mean, standard error, percentiles),',
          'the breakdowns by financial year, agency, age and state, outcomes, paired comparisons against the first plan, and each plan’s exact',
          'expected cost with parameter uncertainty switched off. No personal data is involved.',
          `Limits: runs up to 100,000; up to 8 plans; runs × plans × months up to ${MAX_PERSON_MONTHS.toLocaleString('en-GB')}; an inline model up to 64 states and 5 MB.`,
        ].join(' '),
        body: RunProjectionBody,
        response: { 200: ProjectionResultSchema, ...standardErrors, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request) => {
      const body = request.body;
      let spec: CostModelSpec;
      let hash: string;
      if (typeof body.model === 'string') {
        const entry = fastify.catalog.get(body.model, body.modelVersion);
        if (!entry) throw unknownModel(fastify.catalog, body.model, body.modelVersion, 'body/model');
        spec = entry.model.spec;
        hash = entry.hash;
      } else {
        const checked = validateModel(body.model);
        if (!checked.ok) {
          throw new UnprocessableError('the inline model is invalid', checked.errors.map((e) => ({ field: `body/model${e.field}`, reason: e.reason })));
        }
        spec = checked.model.spec;
        hash = checked.model.hash;
      }
      const modelKey = `${spec.id}@${spec.version}#${hash}`;
      const model = modelFor(modelKey, spec);

      const errors: FieldError[] = [];
      if (body.ageMonths >= model.horizonAgeMonths) {
        errors.push({ field: 'body/ageMonths', reason: `must be below the model's horizon age of ${model.horizonAgeMonths / 12} years (${model.horizonAgeMonths} months)` });
      }
      const months = Math.max(0, model.horizonAgeMonths - body.ageMonths);
      const { year, month } = parseStartMonth(body.startMonth);
      const inputs = body.plans ?? [{ name: 'As now' }];
      const plans = inputs.map((input, k) => {
        const resolved = resolvePlan(model, input, { ageMonths: body.ageMonths, months, currentState: body.state, currentStateField: 'body/state', field: `body/plans/${k}`, startMonthIndex: monthIndex(year, month) });
        // Plans starting from body/state each find the same fault in it: name it once.
        for (const e of resolved.errors) if (!errors.some((o) => o.field === e.field && o.reason === e.reason)) errors.push(e);
        return { name: input.name ?? (k === 0 ? 'As now' : `Plan ${k + 1}`), plan: resolved.plan };
      });
      if (new Set(plans.map((p) => p.name)).size !== plans.length) errors.push({ field: 'body/plans', reason: 'plan names must differ' });
      const runs = body.runs ?? DEFAULT_RUNS;
      if (runs * plans.length * months > MAX_PERSON_MONTHS) {
        errors.push({ field: 'body/runs', reason: `runs × plans × months = ${runs * plans.length * months} is over the limit of ${MAX_PERSON_MONTHS}; use fewer runs` });
      }
      if (errors.length) throw new UnprocessableError(errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);

      const seed = body.seed ?? randomSeed();
      const monthDays = new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (body.startDay !== undefined && body.startDay > monthDays) {
        throw new UnprocessableError(`body/startDay ${year}-${String(month).padStart(2, '0')} has ${monthDays} days`, [{ field: 'body/startDay', reason: `is after the last day of the month (${monthDays})` }]);
      }
      const result = await projectPlans(fastify.simulation, {
        modelKey,
        spec,
        hash,
        model,
        ageMonths: body.ageMonths,
        startYear: year,
        startMonth: month,
        ...(body.startDay !== undefined && body.startDay > 1 ? { startDay: body.startDay } : {}),
        plans: plans.map((p) => ({ name: p.name, plan: p.plan as NonNullable<typeof p.plan> })),
        runs,
        seed,
        parameterUncertainty: body.parameterUncertainty ?? true,
        discountRate: body.discountRate,
        priceBase: body.priceBase,
        thresholds: body.thresholds,
        includeExpectedCost: true,
      });
      await appendAuditEvent(fastify.db, request.actor, {
        action: 'projection.run',
        resourceType: 'model',
        resourceId: `${spec.id}@${spec.version}`,
        detail: { runs, seed, plans: plans.length, inlineModel: typeof body.model !== 'string' },
      });
      return result;
    },
  );
}
