import { type Static, Type } from 'typebox';
import { SlugString, VersionString } from '../catalog/identifiers.ts';

const ModelId = SlugString('A cost model id, e.g. england-default');
const Version = VersionString('Semantic version');

export const ModelIdParams = Type.Object({ id: ModelId }, { additionalProperties: false });
export const ModelVersionQuery = Type.Object(
  { version: Type.Optional({ ...Version, description: 'A version of the model; the newest when left out' }) },
  { additionalProperties: false },
);

export const ModelSummary = Type.Object(
  {
    id: ModelId,
    version: Version,
    name: Type.String(),
    priceBaseYear: Type.String({ description: 'Financial year whose prices all costs are in' }),
    hash: Type.String({ description: 'sha256 of the model’s canonical JSON (keys sorted, $schema left out): reproducible packs cite it' }),
    statesCount: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type ModelSummaryDto = Static<typeof ModelSummary>;

export const ModelList = Type.Object({ items: Type.Array(ModelSummary, { description: 'Every model version, by id and newest version first' }) });

/** Any JSON object: the candidate is checked by validateModel, which reports every problem. */
export const CandidateModel = Type.Object({}, { additionalProperties: true, description: 'A candidate cost model (see getModelSchema)' });

export const ValidModelSummary = Type.Object(
  {
    valid: Type.Literal(true),
    summary: Type.Object({
      id: ModelId,
      version: Version,
      name: Type.String(),
      hash: Type.String(),
      priceBaseYear: Type.String(),
      horizonAgeYears: Type.Integer(),
      states: Type.Integer(),
      ageBands: Type.Integer(),
      ageTransitions: Type.Integer(),
      unitCosts: Type.Integer(),
      eventCosts: Type.Integer(),
      interventions: Type.Integer(),
      rateFactors: Type.Integer(),
      sources: Type.Integer(),
    }),
  },
  { description: 'The candidate is a valid model' },
);
