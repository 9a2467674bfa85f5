import { Type, type Static } from 'typebox';
import { IsoDateTime, Uuid } from './common.ts';

export const Job = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'pathway_projection, scenario_run, calibration, ...' }),
  status: Type.Enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  message: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
  startedAt: Type.Union([IsoDateTime, Type.Null()]),
  finishedAt: Type.Union([IsoDateTime, Type.Null()]),
  error: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'Problem details when the job failed' }),
  result: Type.Union([Type.Object({ type: Type.String(), id: Type.String(), href: Type.String() }), Type.Null()], {
    description: 'Where the result is, once the job has succeeded',
  }),
  links: Type.Object({ self: Type.String(), cancel: Type.String() }),
});
export type JobDto = Static<typeof Job>;
