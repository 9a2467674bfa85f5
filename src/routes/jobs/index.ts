import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { findJob } from '../../db/repositories/jobs.ts';
import type { JobRow } from '../../db/schema.ts';
import { IdParams, notFound, standardErrors } from '../../schemas/common.ts';
import { Job, type JobDto } from '../../schemas/jobs.ts';
import { type Capability, type Role, can } from '../../services/access-control.ts';
import { ForbiddenError, NotFoundError } from '../../services/errors.ts';

/** Where each kind of result is read, so a finished job can point at it. */
const resultPaths: Record<string, (id: string) => string> = {
  pathway_projection: (id) => `/v1/pathway-projections/${id}`,
  scenario_run: (id) => `/v1/scenario-runs/${id}`,
  calibration: (id) => `/v1/calibrations/${id}`,
};

export function jobDto(row: JobRow): JobDto {
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    message: row.message,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    error: row.error,
    result:
      row.status === 'succeeded' && row.result_type && row.result_id
        ? { type: row.result_type, id: row.result_id, href: (resultPaths[row.result_type] ?? ((id: string) => `/v1/${row.result_type}/${id}`))(row.result_id) }
        : null,
    links: { self: `/v1/jobs/${row.id}`, cancel: `/v1/jobs/${row.id}/cancel` },
  };
}

/** A job is visible to whoever may see its result. */
function checkAccess(row: JobRow, role: Role) {
  if (!can(role, row.capability as Capability)) throw new ForbiddenError(`role ${role} may not see this job (needs ${row.capability})`);
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
        params: IdParams,
        response: { 200: Job, ...standardErrors, ...notFound },
      },
    },
    async (request) => {
      const row = await findJob(fastify.db, request.params.id);
      if (!row) throw new NotFoundError('job', request.params.id);
      checkAccess(row, request.actor.role);
      return jobDto(row);
    },
  );

  fastify.post(
    '/v1/jobs/:id/cancel',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'cancelJob',
        tags: ['jobs'],
        summary: 'Cancel a queued or running job; nothing of it is stored',
        description: 'Answers 202 with the job: a queued job is cancelled at once, a running one stops at its next safe point. A job that has already finished is returned unchanged.',
        params: IdParams,
        response: { 202: Job, ...standardErrors, ...notFound },
      },
    },
    async (request, reply) => {
      const existing = await findJob(fastify.db, request.params.id);
      if (!existing) throw new NotFoundError('job', request.params.id);
      checkAccess(existing, request.actor.role);
      const row = (await fastify.jobs.cancel(existing.id)) ?? existing;
      return reply.code(202).send(jobDto(row));
    },
  );
}
