import { roundAnswer } from '../finance/money.ts';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type CalibrateOptions, calibratedModelId, defaultWindow } from '../calibration/calibrate.ts';
import { DEFAULT_DISTANCE_PRIOR_WEIGHT } from '../calibration/distance.ts';
import type { ImportedSsda903 } from '../calibration/import.ts';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../calibration/input.ts';
import { DEFAULT_MAPPING, mergeMapping, type Ssda903Mapping, validateMappingForModel } from '../calibration/mapping.ts';
import { midYearsOf, readPopulation } from '../calibration/population.ts';
import { type ImportSummary, importSummary } from '../calibration/report.ts';
import { type CatalogEntry, compareVersions, type ModelCatalog } from '../catalog/catalog.ts';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { ResolvedModel } from '../catalog/resolved-model.ts';
import { modelContentHash } from '../catalog/canonical-json.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findCalibration, insertCalibration, listCalibrations as listCalibrationRows } from '../db/repositories/calibrations.ts';
import { insertStoredModel, lockModelId, storedModelOrigin, storedVersionsOf } from '../db/repositories/stored-models.ts';
import type { CalibrationRow, Database, JobRow } from '../db/schema.ts';
import { yieldToEventLoop } from '../db/yield.ts';
import type { CalibrationDto, CalibrationSummaryDto } from '../schemas/calibrations.ts';
import { CancelledError } from '../simulation/pool.ts';
import type { Role } from './access-control.ts';
import { protectCalibration, protectedSummary } from './calibration-disclosure.ts';
import { seesIndividuals } from './disclosure-view.ts';
import { unknownModel } from './care-plans.ts';
import { SLUG_MAX_LENGTH, SLUG_PATTERN, VERSION_MAX_LENGTH, VERSION_PATTERN } from '../catalog/identifiers.ts';
import { PATTERN_WORDS } from '../schemas/pattern-words.ts';
import { findControlCharacters } from './input-rules.ts';
import { BadRequestError, ConflictError, DomainError, type FieldError, NotFoundError, UnprocessableError } from './errors.ts';
import type { JobRunner } from './jobs.ts';
import type { Offload } from './offload.ts';

/**
 * importSsda903 over HTTP: an authority's SSDA903 returns become a new version of a cost model,
 * stored beside the models/ files, with the calibration report and a backtest.
 *
 * The import runs in the request, on the worker thread (src/services/offload.ts), so a file the
 * core cannot read, a wrong set of columns, a file or archive too large, or options that do not
 * fit the data are answered at once as 4xx problem+json and nothing is queued or stored. What
 * the import can clean (unreadable dates, DEC before DECOM, unknown codes, formula-injection
 * cells) is cleaned and reported, not refused. Calibration and the backtest then run as a job;
 * its result (the stored model, the calibration, two audit events) is written in one
 * transaction, and the model joins the live catalog only after that transaction commits.
 */

/** An uploaded file as read from the request: its base name and bytes. */
export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface CalibrationUpload {
  files: UploadedFile[];
  /** The ONS mid-year population estimates (the file part named `population`), if given. */
  population?: UploadedFile;
  /** The form's text fields, as sent. */
  fields: Record<string, string>;
}

export interface CalibrationServices {
  db: Kysely<Database>;
  catalog: ModelCatalog;
  jobs: JobRunner;
  uploadLimitBytes: number;
  /** The worker thread that reads the returns and calibrates (issue 14: calibrating on the service thread held /health for seconds). */
  offload: Offload;
}

/** The form fields importSsda903 accepts (see CalibrationForm). */
export const CALIBRATION_FIELDS = ['priorModel', 'priorModelVersion', 'referenceWindow', 'priorWeight', 'distancePriorWeight', 'intervalLevel', 'authority', 'modelId', 'backtestYear', 'mapping', 'localAuthority', 'populationArea'] as const;

/** The file part holding the population of children (ONS mid-year estimates). */
export const POPULATION_PART = 'population';

const DEFAULT_PRIOR = 'england-default';
const DEFAULT_PRIOR_WEIGHT = 60;
/**
 * The most the distance prior may weigh, in children: 10,000 is more than any authority's
 * children looked after on a 31 March (the largest count about 2,000), so the prior can be made
 * to outweigh any return, while a typing slip (1e9) is refused.
 */
const MAX_DISTANCE_PRIOR_WEIGHT = 10_000;
const MODEL_ID = new RegExp(SLUG_PATTERN);
const VERSION = new RegExp(VERSION_PATTERN);
const MODEL_ID_WORDS = `${PATTERN_WORDS.get(SLUG_PATTERN)}, at most ${SLUG_MAX_LENGTH} characters`;
/** Letters, digits and plain punctuation, starting with a letter or digit: it names a model and may reach a spreadsheet. */
const AUTHORITY = /^[\p{L}\p{N}][\p{L}\p{N} '’,.&()/-]*$/u;
const RESERVED_MODEL_IDS = new Set(['schema', 'validate']);

/**
 * The core's limits, bounded by the service's upload limit: the whole upload and any one file
 * within UPLOAD_LIMIT_BYTES (and a CSV within the core's 10 MiB), and what zips may inflate to
 * within five times the upload limit (at most the core's 200 MiB), counted as bytes inflate.
 */
export function importLimits(uploadLimitBytes: number): InputLimits {
  return {
    maxFileBytes: Math.min(DEFAULT_INPUT_LIMITS.maxFileBytes, uploadLimitBytes),
    maxTotalBytes: uploadLimitBytes,
    maxZipEntries: DEFAULT_INPUT_LIMITS.maxZipEntries,
    maxUncompressedBytes: Math.min(DEFAULT_INPUT_LIMITS.maxUncompressedBytes, 5 * uploadLimitBytes),
  };
}

interface CalibrationFields {
  priorModel: string;
  priorModelVersion: string | undefined;
  referenceWindow: { fromYear: number; toYear: number } | undefined;
  priorWeight: number;
  /** Beta prior weight of the shares placed more than 20 miles from home, in children (distance.ts). */
  distancePriorWeight: number;
  /** Level of the report's intervals, in (0, 1); undefined: calibrate's default (0.9). */
  intervalLevel: number | undefined;
  authority: string | undefined;
  modelId: string | undefined;
  /** undefined: the latest year (when there are two or more); null: none. */
  backtestYear: number | null | undefined;
  mapping: unknown;
  localAuthority: string | undefined;
  populationArea: string | undefined;
}

/** Reads the form's text fields; every problem is reported at once, each under body/<field>. */
export function parseCalibrationFields(raw: Record<string, string>): CalibrationFields {
  const errors: FieldError[] = [];
  const known = new Set<string>(CALIBRATION_FIELDS);
  for (const name of Object.keys(raw)) if (!known.has(name)) errors.push({ field: `body/${escapeControl(name)}`, reason: `is not a known field${escapeControl(name) !== name ? ' (its control characters are shown as \\uXXXX)' : ''}` });
  const text = (name: string) => {
    const value = raw[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const fields: CalibrationFields = {
    priorModel: text('priorModel') ?? DEFAULT_PRIOR,
    priorModelVersion: text('priorModelVersion'),
    referenceWindow: undefined,
    priorWeight: DEFAULT_PRIOR_WEIGHT,
    distancePriorWeight: DEFAULT_DISTANCE_PRIOR_WEIGHT,
    intervalLevel: undefined,
    authority: text('authority'),
    modelId: text('modelId'),
    backtestYear: undefined,
    mapping: undefined,
    localAuthority: text('localAuthority'),
    populationArea: text('populationArea'),
  };
  if (!MODEL_ID.test(fields.priorModel) || fields.priorModel.length > SLUG_MAX_LENGTH) errors.push({ field: 'body/priorModel', reason: MODEL_ID_WORDS });
  if (fields.priorModelVersion !== undefined && (!VERSION.test(fields.priorModelVersion) || fields.priorModelVersion.length > VERSION_MAX_LENGTH)) errors.push({ field: 'body/priorModelVersion', reason: PATTERN_WORDS.get(VERSION_PATTERN) as string });
  const window = text('referenceWindow');
  if (window !== undefined) {
    const match = /^(\d{4})(?:-(\d{4}))?$/.exec(window);
    if (!match) errors.push({ field: 'body/referenceWindow', reason: 'must be a return year or a range of them, e.g. 2024 or 2021-2024 (years ending 31 March)' });
    else {
      fields.referenceWindow = { fromYear: Number(match[1]), toYear: Number(match[2] ?? match[1]) };
      if (fields.referenceWindow.fromYear > fields.referenceWindow.toYear) errors.push({ field: 'body/referenceWindow', reason: 'the first year must not be after the last' });
    }
  }
  const weight = text('priorWeight');
  if (weight !== undefined) {
    const value = Number(weight);
    if (!/^\d+(\.\d+)?$/.test(weight) || !(value > 0) || value > 100_000) errors.push({ field: 'body/priorWeight', reason: 'must be a number of person-months above 0 and at most 100,000' });
    else fields.priorWeight = value;
  }
  const distanceWeight = text('distancePriorWeight');
  if (distanceWeight !== undefined) {
    const value = Number(distanceWeight);
    if (!/^\d+(\.\d+)?$/.test(distanceWeight) || !(value > 0) || value > MAX_DISTANCE_PRIOR_WEIGHT) {
      errors.push({ field: 'body/distancePriorWeight', reason: 'must be a number of children above 0 and at most 10,000' });
    } else fields.distancePriorWeight = value;
  }
  const level = text('intervalLevel');
  if (level !== undefined) {
    const value = Number(level);
    if (!/^0?\.\d+$/.test(level) || !(value > 0 && value < 1)) errors.push({ field: 'body/intervalLevel', reason: 'must be a level above 0 and below 1, e.g. 0.9 for 90% intervals' });
    else fields.intervalLevel = value;
  }
  if (fields.authority !== undefined && (fields.authority.length > 80 || !AUTHORITY.test(fields.authority))) {
    errors.push({ field: 'body/authority', reason: 'must be up to 80 letters, digits, spaces and plain punctuation, starting with a letter or digit' });
  }
  if (fields.modelId !== undefined) {
    if (!MODEL_ID.test(fields.modelId) || fields.modelId.length > SLUG_MAX_LENGTH) errors.push({ field: 'body/modelId', reason: MODEL_ID_WORDS });
    else if (RESERVED_MODEL_IDS.has(fields.modelId)) errors.push({ field: 'body/modelId', reason: `"${fields.modelId}" is reserved` });
  }
  const year = text('backtestYear');
  if (year !== undefined) {
    if (year === 'none') fields.backtestYear = null;
    else if (/^\d{4}$/.test(year)) fields.backtestYear = Number(year);
    else errors.push({ field: 'body/backtestYear', reason: 'must be a return year, e.g. 2024, or none' });
  }
  if (fields.localAuthority !== undefined && (fields.localAuthority.length > 80 || !AUTHORITY.test(fields.localAuthority))) {
    errors.push({ field: 'body/localAuthority', reason: 'must be up to 80 letters, digits, spaces and plain punctuation, starting with a letter or digit (as the files’ LA column has it)' });
  }
  if (fields.populationArea !== undefined && (fields.populationArea.length > 80 || !AUTHORITY.test(fields.populationArea))) {
    errors.push({ field: 'body/populationArea', reason: 'must be the authority’s ONS code (e.g. E09000001) or its name as the population file has it' });
  }
  const mapping = text('mapping');
  if (mapping !== undefined) {
    try {
      fields.mapping = JSON.parse(mapping);
      // JSON inside a form field escapes the edge's rule for JSON bodies: the same rule here.
      errors.push(...findControlCharacters(fields.mapping, 'body/mapping', false));
    } catch {
      errors.push({ field: 'body/mapping', reason: 'must be JSON: a partial SSDA903 mapping table' });
    }
  }
  if (errors.length) throw new BadRequestError(errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
  return fields;
}

/** The next version of a model id: 1.0.0 first, then the newest version's minor plus one. */
export function nextModelVersion(existing: readonly string[]): string {
  if (existing.length === 0) return '1.0.0';
  const newest = [...existing].sort(compareVersions).at(-1) as string;
  const [major, minor] = newest.split('.').map(Number);
  return `${major}.${minor + 1}.0`;
}

/** Errors from the mapping functions name JSON pointers into the table: put them under body/mapping. */
function underMapping(error: unknown): never {
  if (error instanceof DomainError) {
    throw new DomainError(
      error.status,
      error.title,
      error.message,
      (error.errors ?? []).map((e) => ({ ...e, field: `body/mapping${e.field === '/' ? '' : e.field}` })),
    );
  }
  throw error;
}

function resolvePrior(catalog: ModelCatalog, fields: CalibrationFields): CatalogEntry {
  const entry = catalog.get(fields.priorModel, fields.priorModelVersion);
  if (!entry) throw unknownModel(catalog, fields.priorModel, fields.priorModelVersion, 'body/priorModel');
  return entry;
}

/** Options that depend on which years were imported, checked before anything is queued. */
function checkAgainstData(imported: Pick<ImportedSsda903, 'returnYears'>, fields: CalibrationFields): { window: { fromYear: number; toYear: number }; backtestYear: number | null } {
  const years = imported.returnYears;
  const first = years[0];
  const last = years[years.length - 1];
  const errors: FieldError[] = [];
  const window = fields.referenceWindow ?? defaultWindow(imported);
  if (window.fromYear < first || window.toYear > last) {
    errors.push({ field: 'body/referenceWindow', reason: `must lie within the returns imported: ${first} to ${last}` });
  }
  let backtestYear: number | null = fields.backtestYear === undefined ? (years.length > 1 ? last : null) : fields.backtestYear;
  if (backtestYear !== null && (backtestYear - 1 < first || backtestYear > last)) {
    errors.push({ field: 'body/backtestYear', reason: `a backtest of ${backtestYear} needs the returns for ${backtestYear - 1} and ${backtestYear}; ${first} to ${last} were imported` });
    backtestYear = null;
  }
  if (errors.length) throw new BadRequestError(errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
  return { window, backtestYear };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text from the upload quoted back (a field's or a file's name): each control character written as
 * \uXXXX, so nothing raw is echoed and nothing is changed silently (a NUL in a file name read "?").
 */
export function escapeControl(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Control characters out of every string of a value bound for storage. The import already cleans
 * cells; this keeps a file name or anything else from reaching a json column, where one NUL
 * would make every later read of the table fail.
 */
export function withoutControlCharacters<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'string' ? v.replace(CONTROL, '?') : v)));
}

/**
 * Checks the form and imports the files (4xx at once when anything is wrong, 422 when no episode
 * is usable), then queues the calibration. Returns the queued job and a summary of the import.
 */
export async function startCalibration(services: CalibrationServices, actor: Actor, upload: CalibrationUpload): Promise<{ job: JobRow; summary: ImportSummary }> {
  const { catalog } = services;
  const fields = parseCalibrationFields(upload.fields);
  if (upload.files.length === 0) throw new BadRequestError('No files: upload the SSDA903 CSV files (YEAR-episodes.csv and the rest), or one zip of them, as multipart/form-data file parts', [{ field: 'body/files', reason: 'no file part: at least one SSDA903 file (CSV, XLSX or zip) is required' }]);
  const prior = resolvePrior(catalog, fields);
  let mapping: Ssda903Mapping = DEFAULT_MAPPING;
  try {
    if (fields.mapping !== undefined) mapping = mergeMapping(DEFAULT_MAPPING, fields.mapping);
    validateMappingForModel(mapping, prior.model.spec);
  } catch (error) {
    underMapping(error);
  }
  const modelId = calibratedModelId({ priorId: prior.id, modelId: fields.modelId, authorityName: fields.authority });
  const fromFile = catalog.list().find((e) => e.id === modelId && !e.origin.startsWith(storedModelOrigin('')));
  if (fromFile) {
    throw new ConflictError(`${modelId} is defined by ${fromFile.origin}; a calibration cannot add versions to a model from the models folder`, [
      { field: fields.modelId ? 'body/modelId' : 'body/authority', reason: `choose another model id than ${modelId}` },
    ]);
  }

  const imported = await services.offload
    .importSsda903(
      upload.files.map((f) => ({ name: escapeControl(f.name), buffer: f.bytes })),
      { limits: importLimits(services.uploadLimitBytes), mapping, ...(fields.localAuthority !== undefined ? { localAuthority: fields.localAuthority } : {}) },
    )
    .catch((error: unknown) => {
      // The import names the option as the core has it; over HTTP it is the form's field.
      // (From the worker thread it comes back as a DomainError with status 400.)
      if (error instanceof DomainError && error.status === 400 && error.errors?.some((e) => e.field === 'localAuthority')) {
        throw new BadRequestError(
          error.message,
          error.errors.map((e) => (e.field === 'localAuthority' ? { ...e, field: 'body/localAuthority' } : e)),
        );
      }
      // A fault the import finds in the files themselves (an unreadable zip, no episodes file, a
      // year missing) names no field of its own: over HTTP it is the form's file parts.
      if (error instanceof DomainError && error.status < 500 && (error.errors ?? []).length === 0) {
        throw new DomainError(error.status, error.title, error.message, [{ field: 'body/files', reason: error.message }]);
      }
      throw error;
    });
  const { window, backtestYear } = checkAgainstData(imported, fields);
  const summary = withoutControlCharacters(importSummary(imported.report, imported.returnYears));
  if (fields.populationArea !== undefined && !upload.population) {
    throw new BadRequestError('populationArea names an area of the population file, but no population file was given', [{ field: 'body/populationArea', reason: `needs a file part named ${POPULATION_PART}` }]);
  }
  const population = upload.population
    ? await readPopulation(
        { name: escapeControl(upload.population.name), bytes: upload.population.bytes },
        { area: fields.populationArea, years: midYearsOf(window), field: `body/${POPULATION_PART}` },
      )
    : undefined;

  const calibrationId = randomUUID();
  const sources = [...upload.files, ...(upload.population ? [upload.population] : [])].map((f) => ({ name: escapeControl(f.name), bytes: f.bytes.length }));
  const shared: Omit<CalibrateOptions, 'referenceWindow'> = {
    priorModel: prior.model.spec,
    priorWeight: fields.priorWeight,
    distancePriorWeight: fields.distancePriorWeight,
    ...(fields.intervalLevel !== undefined ? { intervalLevel: fields.intervalLevel } : {}),
    mapping,
    modelId,
    ...(fields.authority !== undefined ? { authorityName: fields.authority } : {}),
    ...(population ? { population: { byAge: population.byAge, ...(population.source ? { source: withoutControlCharacters(population.source) } : {}) } } : {}),
  };
  const parameters = {
    referenceWindow: window,
    priorWeight: fields.priorWeight,
    distancePriorWeight: fields.distancePriorWeight,
    backtestYear,
    authority: fields.authority ?? null,
    mapping: { id: mapping.id, version: mapping.version },
  };

  const job = await services.jobs.submit(
    {
      kind: 'calibration',
      capability: 'models:write',
      params: { prior: `${prior.id}@${prior.version}`, modelId, ...parameters, files: sources.map((s) => s.name) },
      actor,
    },
    async (context) => {
      const step = async (fraction: number, message: string) => {
        if (context.signal.aborted) throw new CancelledError();
        context.progress(fraction, message);
      };
      await step(0.05, backtestYear === null ? 'calibrating' : `calibrating and backtesting ${backtestYear}`);
      // Calibration and the backtest are pure computation: on the worker thread, so the service
      // answers meanwhile; a cancel stops the worker's task.
      const { model, resolved, report, backtest: backtestResult, modelErrors } = await services.offload.calibrate(
        imported,
        { ...shared, referenceWindow: window },
        // The window the user chose: as chosen when it ends before the year, else its length ending the year before.
        backtestYear === null ? null : { ...shared, year: backtestYear, referenceWindow: window },
        context.signal,
      );
      await step(0.9, 'storing the model');
      // Checked on the worker thread too (validateModel).
      if (modelErrors.length > 0 || !resolved) {
        throw new UnprocessableError(
          'The calibrated model is not valid, so nothing was stored',
          modelErrors.map((e) => ({ field: `model${e.field}`, reason: e.reason })),
        );
      }
      const origin = `calibration ${calibrationId}`;
      let stored: ResolvedModel | undefined;
      return {
        resultType: 'calibration',
        resultId: calibrationId,
        message: `calibrated ${report.headline.rowsCalibrated} rows from ${report.headline.personMonths} person-months`,
        persist: async (trx) => {
          // Versions are chosen under a lock on the id, so concurrent calibrations never clash.
          await lockModelId(trx, modelId);
          const versions = [...(await storedVersionsOf(trx, modelId)), ...catalog.list().filter((e) => e.id === modelId).map((e) => e.version)];
          const version = nextModelVersion(versions);
          const spec: CostModelSpec = { ...model, version };
          // The worker validated this model; only its version has changed since (another
          // well-formed version), so its hash is all that is left to work out here. (Validating it
          // again on the service thread held the thread for a tenth of a second.)
          if (!VERSION.test(version)) throw new UnprocessableError('The calibrated model is not valid, so nothing was stored');
          const hash = modelContentHash(spec);
          await yieldToEventLoop();
          await insertStoredModel(trx, { id: modelId, version, spec, hash, origin, createdBy: actor.tokenId });
          // The embedded database parses each statement on the service thread: a turn of the
          // event loop between the large ones (the model, the report).
          await yieldToEventLoop();
          await insertCalibration(trx, {
            id: calibrationId,
            job_id: context.jobId,
            created_by: actor.tokenId,
            model_id: modelId,
            model_version: version,
            model_hash: hash,
            prior_model_id: prior.id,
            prior_model_version: prior.version,
            parameters: JSON.stringify(withoutControlCharacters(parameters)),
            sources: JSON.stringify(sources),
            cleaning: JSON.stringify(withoutControlCharacters(imported.report)),
            report: JSON.stringify(withoutControlCharacters(report)),
            // The backtest refits the same method on the years before its year: it is named for the model it vouches for.
            backtest: backtestResult ? JSON.stringify({ ...backtestResult, model: { id: modelId, version } }) : null,
          });
          await yieldToEventLoop();
          await appendAuditEvent(trx, actor, {
            action: 'model.create',
            resourceType: 'model',
            resourceId: `${modelId}@${version}`,
            detail: { hash, origin, prior: `${prior.id}@${prior.version}` },
          });
          await appendAuditEvent(trx, actor, {
            action: 'calibration.create',
            resourceType: 'calibration',
            resourceId: calibrationId,
            detail: {
              model: `${modelId}@${version}`,
              files: sources.length,
              bytes: sources.reduce((a, s) => a + s.bytes, 0),
              returnYears: `${imported.returnYears[0]}-${imported.returnYears[imported.returnYears.length - 1]}`,
              children: imported.report.totals.children,
              episodes: imported.report.totals.episodes,
              cleaningActions: imported.report.actions.length,
              ...parameters,
            },
          });
          stored = withVersion(resolved, spec, hash);
        },
        afterCommit: () => {
          // Resolved on the worker thread: validating it again here held the service thread for a tenth of a second.
          const errors = stored ? catalog.tryAddResolved(storedModelOrigin(origin), stored) : [];
          if (errors.length) throw new Error(`stored model ${modelId} could not join the catalog: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`);
        },
      };
    },
  );
  return { job, summary };
}

/**
 * validateModel's resolved model for `spec`, from its answer for the same spec under another
 * version: the version is read nowhere else in the resolved model, and `hash` is
 * modelContentHash(spec). (Checked against validateModel in test/calibrations/storage.test.ts.)
 */
export function withVersion(resolved: ResolvedModel, spec: CostModelSpec, hash: string): ResolvedModel {
  return { ...resolved, spec, version: spec.version, hash };
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function modelHref(id: string, version: string): string {
  return `/v1/models/${id}?version=${version}`;
}

export function calibrationDto(row: CalibrationRow): CalibrationDto {
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    jobId: row.job_id,
    model: { id: row.model_id, version: row.model_version, hash: row.model_hash, href: modelHref(row.model_id, row.model_version) },
    prior: { id: row.prior_model_id, version: row.prior_model_version },
    parameters: row.parameters as CalibrationDto['parameters'],
    sources: row.sources,
    cleaning: row.cleaning as CalibrationDto['cleaning'],
    report: row.report as CalibrationDto['report'],
    backtest: row.backtest as CalibrationDto['backtest'],
    links: { self: `/v1/calibrations/${row.id}`, model: modelHref(row.model_id, row.model_version), job: row.job_id ? `/v1/jobs/${row.job_id}` : null },
  };
}

/**
 * `viewer`: a role without individual access (the board) reads the report under the disclosure
 * rule (src/services/calibration-disclosure.ts); the others read it as computed.
 */
export async function getCalibration(db: Kysely<Database>, id: string, viewer?: Role): Promise<CalibrationDto> {
  const row = await findCalibration(db, id);
  if (!row) throw new NotFoundError('calibration', id);
  const dto = calibrationDto(row);
  // Rounded after protection: the rule ties figures as stored (a sum of rounded parts need not equal the rounded total).
  return roundCalibrationAnswer(viewer === undefined || seesIndividuals(viewer) ? dto : protectCalibration(dto));
}

/** Children projected, forecast or counted in a backtest, and their errors and spreads: means of counts. */
const BACKTEST_CHILDREN_KEY = /^(projected|simulatedMean|expectedEntrants|lower|upper|error|absoluteError|sd|predictiveSd|sumAbsoluteError|groupError|total|carriedForward|lastYearsFlows|actual)$/;

/**
 * The edge of a calibration answer (getCalibrationReport, listCalibrations): each non-integer
 * number rounded as the house rounds answers (src/finance/money.ts roundAnswer, ANSWER_DECIMALS):
 * the backtest's children projected and their errors as means of counts (4 decimals:
 * 376.60729416310835 reads 376.6073); every other figure (rates, probabilities, shares, weights,
 * percentages, and counts that may be fractional, a destination split between states) to 6
 * decimals, so 1.9999999999999998 reads 2 and 60.149999999999984 reads 60.15. Pure: the stored
 * report and the model the engine runs keep full precision.
 */
export function roundCalibrationAnswer<T>(answer: T): T {
  return roundAnswer(answer, (path) => (path.includes('backtest') && !path.includes('calibration') && BACKTEST_CHILDREN_KEY.test(path[path.length - 1] ?? '') ? 'count' : 'ratio'));
}

/** How many calibrations' protected summary figures each database's cache holds (oldest added dropped first). */
const PROTECTED_SUMMARY_CACHE = 1000;
type ProtectedFigures = Pick<CalibrationSummaryDto, 'headline' | 'cleaningCounts' | 'backtest' | 'disclosure'>;
const protectedSummaryCaches = new WeakMap<Kysely<Database>, Map<string, ProtectedFigures>>();

/**
 * The board's summary figures of each calibration, protected once and kept: a stored calibration
 * never changes (none is updated or deleted), and protecting its whole report took 30-80 ms each
 * time the board listed it (issue 14). Per database handle, so test apps never share one.
 */
function protectedSummaries(db: Kysely<Database>): Map<string, ProtectedFigures> {
  let cache = protectedSummaryCaches.get(db);
  if (!cache) {
    cache = new Map();
    protectedSummaryCaches.set(db, cache);
  }
  return cache;
}

/**
 * Newest first. For a role without individual access each summary is cut from the protected
 * report, so a figure hidden there (a complement) is hidden in the list too.
 */
export async function listCalibrations(
  db: Kysely<Database>,
  page: { limit: number; offset: number },
  viewer?: Role,
): Promise<{ items: CalibrationSummaryDto[]; total: number; limit: number; offset: number }> {
  const { items, total } = await listCalibrationRows(db, page);
  const open = viewer === undefined || seesIndividuals(viewer);
  const summaries: CalibrationSummaryDto[] = items.map((row) => ({
      id: row.id,
      createdAt: iso(row.created_at),
      jobId: row.job_id,
      model: { id: row.model_id, version: row.model_version, hash: row.model_hash, href: modelHref(row.model_id, row.model_version) },
      prior: { id: row.prior_model_id, version: row.prior_model_version },
      parameters: row.parameters as CalibrationSummaryDto['parameters'],
      sources: row.sources,
      headline: row.headline as CalibrationSummaryDto['headline'],
      cleaningCounts: row.cleaning_counts as CalibrationSummaryDto['cleaningCounts'],
      backtest: row.backtest_year === null ? null : { year: row.backtest_year, overall: row.backtest_overall as NonNullable<CalibrationSummaryDto['backtest']>['overall'] },
      links: { self: `/v1/calibrations/${row.id}` },
  }));
  if (!open) {
    const cache = protectedSummaries(db);
    let protectedOne = false;
    for (const [i, summary] of summaries.entries()) {
      const cached = cache.get(summary.id);
      if (cached) {
        summaries[i] = { ...summary, ...cached };
        continue;
      }
      // Each report takes tens of milliseconds to protect: the event loop gets a turn between them.
      if (protectedOne) await yieldToEventLoop();
      protectedOne = true;
      const full = await findCalibration(db, summary.id);
      // Calibrations are not deleted; should one vanish between the two reads, nothing unprotected is shown.
      if (!full) throw new NotFoundError('calibration', summary.id, 'calibrations');
      summaries[i] = protectedSummary(summary, protectCalibration(calibrationDto(full)));
      const { headline, cleaningCounts, backtest, disclosure } = summaries[i];
      if (cache.size >= PROTECTED_SUMMARY_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(summary.id, structuredClone({ headline, cleaningCounts, backtest, disclosure }));
    }
  }
  return { items: summaries.map(roundCalibrationAnswer), total, limit: page.limit, offset: page.offset };
}
