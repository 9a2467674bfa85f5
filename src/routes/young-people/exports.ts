import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { appendAuditEvent } from '../../db/repositories/audit.ts';
import { budgetExport, type ExportDocument, projectionExport, toCsv, toXlsx } from '../../export/young-person.ts';
import { IdParams, IsoDate, gone, notFound, standardErrors } from '../../schemas/common.ts';
import { getPathwayBudget } from '../../services/pathway-budget.ts';
import { getPathwayProjection } from '../../services/pathway-projections.ts';
import { getYoungPerson } from '../../services/young-people.ts';

/**
 * One young person's budget or projection as a file, for roles that may see individuals. Each
 * export is audited: the figures leave the system, so who took which, when, is recorded.
 */

const Format = Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { description: 'xlsx (Excel workbook) or csv (UTF-8 with a byte-order mark)' });
const BudgetExportQuery = Type.Object(
  { format: Format, asOf: Type.Optional({ ...IsoDate, pattern: '^(19|20|21)\\d{2}-', description: 'First day of the 12 months (YYYY-MM-DD), in the years 1900 to 2199; today when left out' }) },
  { additionalProperties: false },
);
const ProjectionExportQuery = Type.Object({ format: Format }, { additionalProperties: false });

const fileResponse = {
  description: 'The file, as an attachment',
  content: {
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
    'text/csv': { schema: { type: 'string' } },
  },
};

const CONTENTS =
  'The pseudonymous reference and the figures of the JSON answer, unchanged (no id columns, no personal data). csv: UTF-8 with a byte-order mark, money as £1,234.56, the tables one after another. xlsx: one sheet per table, money in £#,##0.00, header row frozen, A4 landscape fitted to the page width. Audited.';

async function send(reply: FastifyReply, doc: ExportDocument, format: 'xlsx' | 'csv') {
  reply.header('content-disposition', `attachment; filename="${doc.fileStem}.${format}"`).header('cache-control', 'no-store');
  if (format === 'csv') return reply.code(200).header('content-type', 'text/csv; charset=utf-8').send(toCsv(doc));
  const bytes = await toXlsx(doc);
  return reply.code(200).header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export default async function youngPersonExportRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();

  fastify.get(
    '/v1/young-people/:id/budget/export',
    {
      config: { capability: 'individuals:export' },
      schema: {
        operationId: 'exportPathwayBudget',
        tags: ['projections'],
        summary: 'Download a young person’s 12-month budget as a spreadsheet or CSV file',
        description: `The figures of getPathwayBudget: by line and financial year, by agency, by financial year. ${CONTENTS}`,
        params: IdParams,
        querystring: BudgetExportQuery,
        response: { 200: fileResponse, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request, reply) => {
      const today = new Date();
      const person = await getYoungPerson(fastify.db, request.params.id, today);
      const budget = await getPathwayBudget(fastify.db, person.id, request.query.asOf ? new Date(`${request.query.asOf}T00:00:00Z`) : today);
      const doc = budgetExport(budget, person.reference, today);
      await appendAuditEvent(fastify.db, request.actor, { action: 'young_person.budget_export', resourceType: 'young_person', resourceId: person.id, detail: { format: request.query.format, from: budget.from } });
      return send(reply, doc, request.query.format);
    },
  );

  fastify.get(
    '/v1/pathway-projections/:id/export',
    {
      config: { capability: 'individuals:export' },
      schema: {
        operationId: 'exportPathwayProjection',
        tags: ['projections'],
        summary: 'Download a stored pathway projection as a spreadsheet or CSV file',
        description: `The figures of getPathwayProjection: each plan’s total (present value and cash: expected, P10, P50, P90, P5, P95), by financial year, by agency, each plan against the current course, and each plan’s projected outcomes by year (outcomesByYear: share within 20 miles, three or more placements, care leavers 19-21 in EET, mean and standard error). ${CONTENTS}`,
        params: IdParams,
        querystring: ProjectionExportQuery,
        response: { 200: fileResponse, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request, reply) => {
      const today = new Date();
      const projection = await getPathwayProjection(fastify.db, request.params.id);
      const person = await getYoungPerson(fastify.db, projection.youngPersonId, today);
      const doc = projectionExport(projection, person.reference, today);
      await appendAuditEvent(fastify.db, request.actor, {
        action: 'pathway_projection.export',
        resourceType: 'pathway_projection',
        resourceId: projection.id,
        detail: { format: request.query.format, youngPersonId: person.id },
      });
      return send(reply, doc, request.query.format);
    },
  );
}
