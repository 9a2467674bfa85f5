import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Calibration, CalibrationAccepted, CalibrationForm, CalibrationPage } from '../../schemas/calibrations.ts';
import { conflict, IdParams, notFound, PageQuery, payloadTooLarge, Problem, standardErrors, unprocessable } from '../../schemas/common.ts';
import { CALIBRATION_FIELDS, type CalibrationUpload, POPULATION_PART, getCalibration, listCalibrations, startCalibration, type UploadedFile } from '../../services/calibrations.ts';
import { BadRequestError, DomainError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../services/errors.ts';
import { jobDto } from '../jobs/index.ts';

/** File parts one upload may have: ten years of the four files is 40. */
export const MAX_UPLOAD_FILES = 100;
/** The largest text field (an authority's mapping table, as JSON). */
const MAX_FIELD_BYTES = 256 * 1024;

const unsupportedMediaType = { 415: { ...Problem, description: 'The body is not multipart/form-data' } } as const;

const IMPORT_DESCRIPTION = [
  'Upload one or more years of an authority’s SSDA903 return as `multipart/form-data`: the tables as CSV (UTF-8, UTF-16 or Windows-1252) or Excel `.xlsx` (first sheet), one file part each, or one zip of them; and, as text fields, the options below. Files are named `YEAR-episodes.csv`, `YEAR-header.csv`, `YEAR-uasc.csv`, `YEAR-oc3.csv` (YEAR the year the return ends on 31 March, or a range such as 2023-24), or hold one table across many years with a YEAR column (and an LA column: with several authorities, `localAuthority` says which). Tables are recognised by their columns as well as their names; the return’s other tables (reviews, missing, OC2, AD1, placed for adoption, previous permanence, social-worker episodes) are skipped with a note. The answer is 202 with the job (Location: the job) and `importSummary`: children, episodes, return years, tables used and skipped, cleaning actions counted by kind, short breaks excluded, placements no state can be given, and warnings (such as a file whose rows mostly fall outside the year its name gives). When the job has succeeded its result is the calibration (getCalibrationReport), and the new model version is listed by listModels and served by getModel.',
  'The files are read and cleaned before the job is queued, so what cannot be imported is answered at once and nothing is stored: 400 when a file cannot be read or recognised, lacks a column its table needs, has dates written month first, holds several authorities without `localAuthority`, or the options do not fit the years imported; 413 when a file or the whole upload is over the upload limit (UPLOAD_LIMIT_BYTES), a CSV is over 10 MiB, or a zip has more than 200 files or inflates past five times the upload limit (counted as it inflates, whatever its headers say); 415 when the body is not multipart; 409 when the model id belongs to a model in the models folder; 422 for an unknown prior model, a mapping naming states the prior does not have, or an upload with no usable episode (the cleaning report is in the problem’s errors). A calibration that observes nothing, or whose model fails validation, fails its job with 422 and publishes no model.',
  'What can be cleaned is cleaned and reported in the calibration, row by row (file, row, column, code, dropped/fixed/kept): unreadable dates, Excel serial dates, DEC before DECOM, unknown codes or codes outside their collection years, control characters and cells beginning with a formula character (=, +, -, @), duplicate and conflicting rows, same-day and overlapping episodes, short breaks (V3, V4: excluded). Names, postcodes and the return’s CHILD identifiers are never stored: children are counted under keyed pseudonyms that are discarded with the upload.',
  'Optionally, a file part named `population`: the ONS mid-year population estimates by single year of age (the MYE2 table saved as CSV: Code, Name, Geography, All ages, 0, 1, ..., 90; or a long table with an area code, age and population_YYYY columns), with `populationArea` (the authority’s ONS code) when it holds several areas. Entries into care per 10,000 children and the model’s entry rates are then calibrated to the authority, with exact intervals (`report.entryRates`); without it entry rates stay the prior’s national figures and `report.entryRates.basis` is `national`. A population file that cannot be read is a 400 naming the row and column.',
  'The new model takes the id `<authority>-calibrated` (or `<prior>-calibrated`, or modelId) and the next free version: 1.0.0, then 1.1.0 and so on.',
].join('\n\n');

/** Multipart errors from the parser, told in this API's words. */
function uploadError(error: unknown, limitBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new PayloadTooLargeError(`A file is larger than the upload limit of ${limitBytes} bytes`);
  if (code === 'FST_FILES_LIMIT') return new PayloadTooLargeError(`More than ${MAX_UPLOAD_FILES} files: upload one zip of them instead`);
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return new PayloadTooLargeError('Too many parts in the form');
  if (code === 'FST_PROTO_VIOLATION' || code === 'FST_INVALID_JSON_FIELD_ERROR') return new BadRequestError('The form has a field that is not allowed');
  // busboy's own parse errors ("Unexpected end of multipart data", "Malformed part header") carry
  // no code: the body is not well-formed multipart, a client error (the fuzz test found a 500).
  if (!(error instanceof DomainError) && code === undefined && error instanceof Error && /multipart|part header|boundary/i.test(error.message)) {
    return new BadRequestError('The body is not valid multipart/form-data (a part or the closing boundary is missing or malformed)');
  }
  return error;
}

/**
 * Reads the whole form into memory, bounded: each file and the upload as a whole within the
 * upload limit (counted as the bytes arrive, so an oversized upload is refused before it is read
 * to the end), at most MAX_UPLOAD_FILES files, and only the known text fields.
 */
async function readUpload(request: FastifyRequest, limitBytes: number): Promise<CalibrationUpload> {
  const files: UploadedFile[] = [];
  const fields: Record<string, string> = {};
  let population: UploadedFile | undefined;
  let total = 0;
  try {
    const parts = request.parts({
      limits: { fileSize: limitBytes, files: MAX_UPLOAD_FILES, fields: CALIBRATION_FIELDS.length + 4, fieldSize: MAX_FIELD_BYTES, parts: MAX_UPLOAD_FILES + CALIBRATION_FIELDS.length + 4, headerPairs: 100 },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        const name = (part.filename ?? '').split(/[\\/]/).pop() ?? '';
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          total += chunk.length;
          if (size > limitBytes) throw new PayloadTooLargeError(`${name || 'A file'} is larger than the upload limit of ${limitBytes} bytes`);
          if (total > limitBytes) throw new PayloadTooLargeError(`The upload is larger than the limit of ${limitBytes} bytes in total (reached while reading ${name || 'a file'})`);
          chunks.push(chunk);
        }
        if (part.file.truncated) throw new PayloadTooLargeError(`${name || 'A file'} is larger than the upload limit of ${limitBytes} bytes`);
        if (name === '') throw new BadRequestError(`A file part (${part.fieldname}) has no filename: name files YEAR-episodes.csv and so on`);
        const file = { name: name.slice(0, 200), bytes: Buffer.concat(chunks, size) };
        // The part named population is the ONS mid-year estimates, not a table of the return.
        if (part.fieldname === POPULATION_PART) {
          if (population) throw new BadRequestError('The population file is given twice', [{ field: `body/${POPULATION_PART}`, reason: 'is given twice' }]);
          population = file;
        } else files.push(file);
      } else {
        if (part.valueTruncated) throw new PayloadTooLargeError(`The field ${part.fieldname} is longer than ${MAX_FIELD_BYTES} bytes`);
        if (part.fieldname in fields) throw new BadRequestError(`The field ${part.fieldname} is given twice`, [{ field: `body/${part.fieldname}`, reason: 'is given twice' }]);
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    throw uploadError(error, limitBytes);
  }
  return { files, fields, ...(population ? { population } : {}) };
}

export default async function calibrationRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const limitBytes = fastify.config.uploadLimitBytes;

  // Encapsulated in this plugin: only the calibration upload reads multipart bodies. Limits are
  // passed per request (readUpload); these are the ceilings should anything else read a part.
  await fastify.register(multipart, { limits: { fileSize: limitBytes, files: MAX_UPLOAD_FILES, fieldSize: MAX_FIELD_BYTES } });

  fastify.post(
    '/v1/calibrations',
    {
      config: { capability: 'models:write' },
      // The form is read and checked part by part as it streams (readUpload, parseCalibrationFields);
      // the body schema documents it for the OpenAPI document and is not run against the parsed body.
      validatorCompiler: () => () => true,
      schema: {
        operationId: 'importSsda903',
        tags: ['calibration'],
        summary: 'Import SSDA903 returns and calibrate a local model from them (a job)',
        description: IMPORT_DESCRIPTION,
        body: { content: { 'multipart/form-data': { schema: CalibrationForm } } },
        response: { 202: CalibrationAccepted, ...standardErrors, ...conflict, ...payloadTooLarge, ...unsupportedMediaType, ...unprocessable },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new UnsupportedMediaTypeError('Send the files and options as multipart/form-data (one file part per CSV, or one zip)', 'multipart/form-data');
      }
      const upload = await readUpload(request, limitBytes);
      const { job, summary } = await startCalibration({ db: fastify.db, catalog: fastify.catalog, jobs: fastify.jobs, uploadLimitBytes: limitBytes, offload: fastify.offload }, request.actor, upload);
      return reply.code(202).header('location', `/v1/jobs/${job.id}`).send({ ...jobDto(job), importSummary: summary });
    },
  );

  fastify.get(
    '/v1/calibrations',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'listCalibrations',
        tags: ['calibration'],
        summary: 'List calibrations, newest first, with their headline figures',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: CalibrationPage, ...standardErrors },
      },
    },
    async (request) => listCalibrations(fastify.db, { limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 }, request.actor.role),
  );

  fastify.get(
    '/v1/calibrations/:id',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getCalibrationReport',
        tags: ['calibration'],
        summary: 'A calibration: what was read and cleaned, the rates with their sample sizes and intervals, what was shrunk, and the backtest',
        description:
          'Aggregates only: no child’s identifier or date of birth is stored or shown. `cleaning.actions` lists every problem found in the files (file, row, column, code, and what was done); `report.rows` gives each calibrated row’s sample size (person-months), its rates with intervals at `intervalLevel` (90% by default; `report.intervalLevel` says which) and how much it leans on the prior (`report.shrunk` lists the rows that lean most); `backtest` compares the children in each care state projected for the last year with those observed.',
        params: IdParams,
        response: { 200: Calibration, ...standardErrors, ...notFound },
      },
    },
    async (request) => getCalibration(fastify.db, request.params.id, request.actor.role),
  );
}
