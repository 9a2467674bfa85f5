import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { CatalogEntry } from '../../catalog/catalog.ts';
import { modelJsonSchema } from '../../catalog/model-json-schema.ts';
import { CostModel } from '../../catalog/model-schema.ts';
import { validateModel } from '../../catalog/validate-model.ts';
import { notFound, payloadTooLarge, standardErrors, unprocessable } from '../../schemas/common.ts';
import { CandidateModel, ModelIdParams, ModelList, type ModelSummaryDto, ModelVersionQuery, ValidModelSummary } from '../../schemas/models.ts';
import { protectModel } from '../../services/calibration-disclosure.ts';
import { seesIndividuals } from '../../services/disclosure-view.ts';
import { NotFoundError, UnprocessableError } from '../../services/errors.ts';

/** A whole model can be large (a calibrated model with many bands): this route accepts 5 MB. */
export const VALIDATE_BODY_LIMIT = 5 * 1_048_576;

function summary(entry: CatalogEntry): ModelSummaryDto {
  return {
    id: entry.id,
    version: entry.version,
    name: entry.name,
    priceBaseYear: entry.priceBaseYear,
    hash: entry.hash,
    statesCount: entry.statesCount,
  };
}

export default async function modelRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();

  fastify.get(
    '/v1/models',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'listModels',
        tags: ['models'],
        summary: 'List the cost model versions the service knows',
        response: { 200: ModelList, ...standardErrors },
      },
    },
    async () => ({ items: fastify.catalog.list().map(summary) }),
  );

  fastify.get(
    '/v1/models/schema',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getModelSchema',
        tags: ['models'],
        summary: 'The JSON Schema of the cost model format',
        description: 'The same document as models/model.schema.json. Rules a schema cannot express (rows summing to 1, known states, reachability) are checked by validateModel.',
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'A JSON Schema (draft-07) document' }), ...standardErrors },
      },
    },
    async () => modelJsonSchema(),
  );

  fastify.get(
    '/v1/models/:id',
    {
      config: { capability: 'aggregates:read' },
      // The schema documents the answer; the model is sent exactly as stored (a schema-driven
      // serializer would add the format's defaults and change the content its hash vouches for).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        operationId: 'getModel',
        tags: ['models'],
        summary: 'A cost model, in full: states, rates, costs, interventions and sources',
        description:
          'Roles without individual access (the board) read a model calibrated from SSDA903 returns without the figures estimated from them (transitions, age transitions, row concentrations, within-state moves, calibrated rate factors, calibrated shares placed more than 20 miles from home), since they would give back counts of children under 5; its description says so, and the calibration report shows the rates under the disclosure rule.',
        params: ModelIdParams,
        querystring: ModelVersionQuery,
        response: { 200: CostModel, ...standardErrors, ...notFound },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { version } = request.query;
      const entry = fastify.catalog.get(id, version);
      if (!entry) throw new NotFoundError('Cost model', version === undefined ? id : `${id} ${version}`);
      // A calibrated model's rates give back counts of children: withheld from roles without individual access.
      return seesIndividuals(request.actor.role) ? entry.model.spec : protectModel(entry.model.spec);
    },
  );

  fastify.post(
    '/v1/models/validate',
    {
      bodyLimit: VALIDATE_BODY_LIMIT,
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'validateModel',
        tags: ['models'],
        summary: 'Check a candidate cost model without storing it',
        description:
          'A valid model answers 200 with a summary. An invalid one answers 422 problem+json listing every error, each with its field (a JSON pointer under body/) and a plain reason, e.g. `body/transitions/10-15/edge_of_care`: `row sums to 0.97, not 1 (band 10-15, state edge_of_care)`. Bodies up to 5 MB.',
        body: CandidateModel,
        response: { 200: ValidModelSummary, ...standardErrors, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request) => {
      const result = validateModel(request.body);
      if (!result.ok) {
        const errors = result.errors.map((e) => ({ field: `body${e.field}`, reason: e.reason }));
        throw new UnprocessableError(`The model has ${errors.length} error${errors.length === 1 ? '' : 's'}`, errors);
      }
      const { model } = result;
      const spec = model.spec;
      return {
        valid: true as const,
        summary: {
          id: model.id,
          version: model.version,
          name: model.name,
          hash: model.hash,
          priceBaseYear: model.priceBaseYear,
          horizonAgeYears: model.horizonAgeYears,
          states: model.nStates,
          ageBands: model.bands.length,
          ageTransitions: model.ageTransitions.length,
          unitCosts: model.unitCosts.length,
          eventCosts: model.eventCosts.length,
          interventions: model.interventions.length,
          rateFactors: model.rateFactors.length,
          sources: Object.keys(spec.sources).length,
        },
      };
    },
  );
}
