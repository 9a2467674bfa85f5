import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { standardErrors } from '../../schemas/common.ts';
import { can } from '../../services/access-control.ts';
import { BOROUGH_METHOD, boroughAtAGlance } from '../../services/borough.ts';

const Shown = Type.Union([Type.Integer(), Type.Literal('<5'), Type.Literal('c')], { description: 'Children; "<5" and "c" under the disclosure rule' });
const Money = Type.Union([Type.Number(), Type.Null()], { description: 'Pounds, to the penny; null when withheld' });
const Cell = { children: Shown, placementSpend: Money, servicesSpend: Money };

const BoroughAnswer = Type.Object({
  from: Type.String({ description: 'First month, YYYY-MM' }),
  months: Type.Integer(),
  placementTypes: Type.Array(Type.Object({ type: Type.String(), label: Type.String() })),
  byMonth: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      financialYear: Type.String({ description: 'April to March, e.g. 2026-27' }),
      byType: Type.Array(Type.Object({ type: Type.String(), ...Cell })),
      total: Type.Object(Cell),
    }),
  ),
  disclosure: Type.Object({ applied: Type.Boolean(), note: Type.String() }),
  method: Type.String(),
});

const BoroughQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: '^(19|20|21)\\d{2}-(0[1-9]|1[0-2])$', description: 'First month, YYYY-MM, in the years 1900 to 2199 (a two-digit year would be read as 19xx); this month when left out' })),
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: 36, default: 12, description: 'Months to show (1 to 36)' })),
  },
  { additionalProperties: false },
);

export default async function boroughRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  fastify.get(
    '/v1/borough',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getBoroughAtAGlance',
        tags: ['young-people'],
        summary: 'The borough at a glance: children and committed spend by placement type, month by month',
        description: `${BOROUGH_METHOD} Aggregates only, so the board may read it, with the small-numbers rule applied for roles without individual access (see "Small numbers" in the README).`,
        querystring: BoroughQuery,
        response: { 200: BoroughAnswer, ...standardErrors },
      },
    },
    async (request) => {
      const today = new Date();
      const [year, month] = request.query.from ? request.query.from.split('-').map(Number) : [today.getUTCFullYear(), today.getUTCMonth() + 1];
      return boroughAtAGlance(fastify.db, year, month, request.query.months ?? 12, !can(request.actor.role, 'individuals:read'));
    },
  );
}
