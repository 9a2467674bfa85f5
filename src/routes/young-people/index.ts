import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { compactAfterErasure } from '../../db/maintenance.ts';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  conflict,
  gone,
  IdParams,
  notFound,
  pageOf,
  payloadTooLarge,
  Problem,
  standardErrors,
  unprocessable,
} from '../../schemas/common.ts';
import { ErasedYoungPerson, ImportResult, YoungPerson, YoungPersonInput, YoungPersonListItem, YoungPersonPatch, YoungPersonQuery } from '../../schemas/young-people.ts';
import { UnsupportedMediaTypeError } from '../../services/errors.ts';
import {
  createYoungPerson,
  eraseYoungPerson,
  getYoungPerson,
  listYoungPeople,
  updateYoungPerson,
} from '../../services/young-people.ts';
import { importYoungPeople, YOUNG_PEOPLE_CSV_COLUMNS } from '../../services/young-people-import.ts';

const unsupportedMediaType = { 415: { ...Problem, description: 'The body is not text/csv' } } as const;

const ERASURE_DESCRIPTION = [
  'Data-protection erasure, for good. Removed: reference, month of birth, sex, legal status, needs profile, the placement (type, provider, distance, price, start) and every service (names, costs, agencies, dates).',
  'Kept, as a tombstone: the id, birth year, care state and tier at erasure, so aggregate counts by year of birth, state and tier stay consistent. The audit trail keeps its events (they never held personal data).',
  'Afterwards reading, updating or erasing the record answers 410 Gone, lists leave it out, and its reference may be used by a new record.',
].join('\n\n');

const CSV_DESCRIPTION = [
  'Bulk import from a CSV file sent as the body with `Content-Type: text/csv` (Excel: Save as "CSV UTF-8"). All or nothing: when any row is wrong nothing is stored, and the 422 answer lists every problem as `{row, field: <column>, reason}` (row 1 is the first line after the header).',
  `Columns (header names, any order; the first six are required, the rest may be left out): ${YOUNG_PEOPLE_CSV_COLUMNS.map((c) => `\`${c.name}\``).join(', ')}.`,
  'Cells: dates as YYYY-MM-DD or DD/MM/YYYY; money as 1234.50, 1,234.50 or £1,234.50; flags as yes/no; vocabulary values as in the JSON API (case and spaces forgiven); empty means not recorded. Up to three services per row (service1_… to service3_…). References must be new, within the file and against stored records.',
  'Text cells starting with =, +, -, @ or a tab are refused (CSV formula injection), never stored. The file may be as large as the configured upload limit (UPLOAD_LIMIT_BYTES); larger answers 413.',
].join('\n\n');

function isCsv(contentType: string | undefined): boolean {
  return /^(text|application)\/csv\b/i.test(contentType ?? '');
}

export default async function youngPeopleRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const uploadLimit = fastify.config.uploadLimitBytes;

  // Encapsulated in this plugin: only these routes read CSV bodies.
  fastify.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: uploadLimit }, (_request, body, done) => {
    done(null, body);
  });

  fastify.post(
    '/v1/young-people',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'createYoungPerson',
        tags: ['young-people'],
        summary: 'Create a young person’s pseudonymous record',
        description:
          'Age on today’s date must be 0 to 25 and the care state must fit it; a placement is given exactly when the care state is a placement, with the same type. The reference must not be in use (409).',
        body: YoungPersonInput,
        response: { 201: YoungPerson, ...standardErrors, ...conflict, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request, reply) => {
      const created = await createYoungPerson(fastify.db, request.actor, request.body, new Date());
      return reply.code(201).header('location', `/v1/young-people/${created.id}`).send(created);
    },
  );

  fastify.get(
    '/v1/young-people',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'listYoungPeople',
        tags: ['young-people'],
        summary: 'List young people, filtered by care state, age, tier, reference and whether they have care plans or projections, by reference',
        description:
          'Ages are completed years on today’s date. Erased records are never listed. Each item carries its numbers of care plans and stored pathway projections. Filters combine with AND; a bad value answers 400 naming the parameter.',
        querystring: YoungPersonQuery,
        response: { 200: pageOf(YoungPersonListItem), ...standardErrors },
      },
    },
    async (request) => listYoungPeople(fastify.db, request.query, new Date()),
  );

  fastify.get(
    '/v1/young-people/:id',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'getYoungPerson',
        tags: ['young-people'],
        summary: 'Read one young person’s record',
        description: 'An erased record answers 410 Gone.',
        params: IdParams,
        response: { 200: YoungPerson, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request) => getYoungPerson(fastify.db, request.params.id, new Date()),
  );

  fastify.patch(
    '/v1/young-people/:id',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'updateYoungPerson',
        tags: ['young-people'],
        summary: 'Change some fields of a record, guarded by its version',
        description:
          'Merge-patch style partial update. Send `version` as read: if the record has changed since, the answer is 409 and nothing is written, so concurrent edits never silently overwrite each other. Each change adds one to the version. Sending only unchanged values writes nothing.',
        params: IdParams,
        body: YoungPersonPatch,
        response: { 200: YoungPerson, ...standardErrors, ...notFound, ...conflict, ...gone, ...payloadTooLarge, ...unprocessable },
      },
    },
    async (request) => updateYoungPerson(fastify.db, request.actor, request.params.id, request.body, new Date()),
  );

  fastify.delete(
    '/v1/young-people/:id',
    {
      config: { capability: 'individuals:erase' },
      schema: {
        operationId: 'eraseYoungPerson',
        tags: ['young-people'],
        summary: 'Erase a record (data protection): personal fields go, a coarse tombstone stays',
        description: ERASURE_DESCRIPTION,
        params: IdParams,
        response: { 200: ErasedYoungPerson, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request) => {
      const erased = await eraseYoungPerson(fastify.db, request.actor, request.params.id);
      // The erasure has committed; now take the old values out of the data files too. A failure
      // here (a lock held too long) is logged and retried by the next erasure, never answered.
      await compactAfterErasure(fastify.db).catch((error) => request.log.error({ err: error }, 'vacuum after erasure failed'));
      return erased;
    },
  );

  fastify.post(
    '/v1/young-people/import',
    {
      config: { capability: 'individuals:write' },
      bodyLimit: uploadLimit,
      // Only a CSV body: a JSON one would otherwise be parsed and fail as "must be string".
      preValidation: async (request) => {
        if (!isCsv(request.headers['content-type'])) {
          throw new UnsupportedMediaTypeError('Send the file as the body with Content-Type: text/csv', 'text/csv');
        }
      },
      schema: {
        operationId: 'importYoungPeople',
        tags: ['young-people'],
        summary: 'Import young people from a CSV file, all or nothing',
        description: CSV_DESCRIPTION,
        consumes: ['text/csv'],
        body: Type.String({ description: 'The CSV file, header first' }),
        response: { 201: ImportResult, ...standardErrors, ...conflict, ...payloadTooLarge, ...unsupportedMediaType, ...unprocessable },
      },
    },
    async (request, reply) => {
      // Reading and checking the file runs off the request thread; storing it here.
      const today = new Date();
      const { rows, rowErrors } = await fastify.offload.prepareYoungPeopleImport(request.body, today);
      const result = await importYoungPeople(fastify.db, request.actor, rows, today, { source: 'csv_import', rowErrors });
      return reply.code(201).send(result);
    },
  );
}
