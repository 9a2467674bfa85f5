import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { JobRow } from '../../db/schema.ts';
import { IdParams, notFound, standardErrors } from '../../schemas/common.ts';
import { Job, type JobDto } from '../../schemas/jobs.ts';
import type { Role } from '../../services/access-control.ts';
import { neutralJobText, seesIndividuals } from '../../services/disclosure-view.ts';
import { cancelJobFor, readableJob } from '../../services/job-access.ts';

/** Where each kind of result is read, so a finished job can point at it. */
const resultPaths: Record<string, (id: string) => string> = {
  pathway_projection: (id) => `/v1/pathway-projections/${id}`,
  scenario_run: (id) => `/v1/scenario-runs/${id}`,
  calibration: (id) => `/v1/calibrations/${id}`,
};

/**
 * `viewer`: roles without individual access read no figures in a job's words (a calibration's
 * progress can say "one 7-year-old entered agency foster care"): a neutral message, and of an
 * error only its status and title.
 */
export function jobDto(row: JobRow, viewer?: Role): JobDto {
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  const plain = viewer !== undefined && !seesIndividuals(viewer);
  const error = row.error as { status?: number; title?: string } | null;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    message: plain ? neutralJobText(row.status, row.progress) : row.message,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    error: plain && error ? { ...(error.status !== undefined ? { status: error.status } : {}), ...(error.title !== undefined ? { title: error.title } : {}) } : row.error,
    result:
      row.status === 'succeeded' && row.result_type && row.result_id
        ? { type: row.result_type, id: row.result_id, href: (resultPaths[row.result_type] ?? ((id: string) => `/v1/${row.result_type}/${id}`))(row.result_id) }
        : null,
    links: { self: `/v1/jobs/${row.id}`, cancel: `/v1/jobs/${row.id}/cancel` },
  };
}

export default async function jobRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();

  fastify.get(
    '/v1/jobs/:id',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getJob',
        tags: ['jobs'],
        summary: 'A job’s status and progress, and where its result is once it has succeeded',
        description: 'Readable by whoever may read its result: scenario runs and calibrations need `aggregates:read`, pathway projections `individuals:read`.',
        params: IdParams,
        response: { 200: Job, ...standardErrors, ...notFound },
      },
    },
    async (request) => jobDto(await readableJob(fastify.db, request.actor, request.params.id), request.actor.role),
  );

  fastify.post(
    '/v1/jobs/:id/cancel',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'cancelJob',
        tags: ['jobs'],
        summary: 'Cancel a queued or running job; nothing of it is stored',
        description: 'Answers 202 with the job: a queued job is cancelled at once, a running one stops at its next safe point. A job that has already finished is returned unchanged. Only roles that may start that kind of job may cancel it (scenario runs: `scenarios:write`; pathway projections: `projections:run`; calibrations: `models:write`); every cancel is audited (`job.cancel`).',
        params: IdParams,
        response: { 202: Job, ...standardErrors, ...notFound },
      },
    },
    async (request, reply) => {
      const row = await cancelJobFor(fastify.db, fastify.jobs, request.actor, request.params.id);
      return reply.code(202).send(jobDto(row, request.actor.role));
    },
  );
}
