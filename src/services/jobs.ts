import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../db/repositories/audit.ts';
import { failAbandonedJobs, failJobsOfOwners, finishJob, heartbeat, ownersOfUnfinishedJobs, insertJob, isCancelRequested, reportProgress, requestCancel, startJob } from '../db/repositories/jobs.ts';
import type { Database, JobRow } from '../db/schema.ts';
import { CancelledError } from '../simulation/pool.ts';
import type { Capability } from './access-control.ts';
import { DomainError } from './errors.ts';

/**
 * Long work as jobs: a row in `jobs` tells status and progress; the work runs in this process
 * (a bounded queue) and its result is written in one transaction with the job's success, so a
 * result is stored whole or not at all. Cancelled, failed or interrupted jobs leave no result.
 */

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  /** Progress in [0, 1]; written at most twice a second. */
  progress(fraction: number, message?: string): void;
}

export interface JobOutcome {
  resultType: string;
  resultId: string;
  message?: string;
  /** Writes the result; runs in the transaction that marks the job succeeded. */
  persist(trx: Kysely<Database>): Promise<void>;
  /**
   * Runs right after that transaction has committed, for in-memory state that must follow the
   * stored result (a new model joins the live catalog). The result is stored by then, so a
   * failure here is logged, not reported as the job's.
   */
  afterCommit?(): void;
}

export type JobWork = (context: JobContext) => Promise<JobOutcome>;

export interface JobSpec {
  kind: string;
  capability: Capability;
  /** Never personal data: ids and parameters. */
  params: Record<string, unknown>;
  actor: Actor;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;

/** When this process started (ms since the epoch): tells a process from an earlier one with the same id. */
const PROCESS_STARTED_MS = Math.round(performance.timeOrigin);

/** The name a runner writes on its jobs: host, process id, process start and a random instance id. */
export function ownerName(host: string, pid: number, startedMs = PROCESS_STARTED_MS): string {
  return `pathcast:${host}:${pid}:${startedMs}:${randomUUID().slice(0, 8)}`;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner of an unfinished job is certainly gone, so its jobs can be failed at start
 * rather than after the heartbeat goes stale. `soleProcess`: nothing else can use this database
 * (embedded PGlite; another runner in this same process excepted), so every other owner is gone.
 * Otherwise an owner on this host is gone when its process is, or when its process id is now
 * this process's but it started at another time (a restarted container reuses pid 1). Owners on
 * other hosts, and names in an older format, are left to the heartbeat.
 */
export function ownerIsGone(
  owner: string,
  self: { host: string; pid: number; startedMs: number; soleProcess: boolean },
  isAlive: (pid: number) => boolean = processIsAlive,
): boolean {
  const match = /^pathcast:(.+):(\d+):(\d+):[0-9a-f]{8}$/.exec(owner);
  const sameProcess = match !== null && match[1] === self.host && Number(match[2]) === self.pid && Number(match[3]) === self.startedMs;
  if (self.soleProcess) return !sameProcess;
  if (!match || match[1] !== self.host) return false;
  if (sameProcess) return false;
  const pid = Number(match[2]);
  return pid === self.pid || !isAlive(pid);
}

export interface JobRunnerOptions {
  concurrency?: number;
  /** Only this process uses the database (embedded PGlite). */
  soleProcess?: boolean;
}

export class JobRunner {
  readonly owner = ownerName(hostname(), process.pid);
  private readonly db: Kysely<Database>;
  private readonly log: FastifyBaseLogger;
  private readonly concurrency: number;
  private readonly queue: Array<{ id: string; work: JobWork }> = [];
  private readonly running = new Map<string, Running>();
  private readonly settled = new Map<string, Promise<void>>();
  private readonly resolvers = new Map<string, () => void>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly soleProcess: boolean;

  constructor(db: Kysely<Database>, log: FastifyBaseLogger, options: JobRunnerOptions = {}) {
    this.db = db;
    this.log = log;
    this.concurrency = options.concurrency ?? 2;
    this.soleProcess = options.soleProcess ?? false;
    this.timer = setInterval(() => void this.housekeeping(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * At start: fails at once the unfinished jobs of owners known to be gone (see ownerIsGone), so
   * nobody reads "running" for a job that died with its process; then the usual housekeeping.
   */
  async start(): Promise<void> {
    const self = { host: hostname(), pid: process.pid, startedMs: PROCESS_STARTED_MS, soleProcess: this.soleProcess };
    const gone = (await ownersOfUnfinishedJobs(this.db, this.owner)).filter((owner) => owner === '' || ownerIsGone(owner, self));
    const failed = await failJobsOfOwners(this.db, gone);
    if (failed > 0) this.log.warn({ failed }, 'failed jobs left unfinished by a process that has stopped');
    await this.housekeeping();
  }

  /** Fails jobs whose process has gone quiet; run at start and periodically. */
  async housekeeping(): Promise<void> {
    try {
      await heartbeat(this.db, this.owner);
      const failed = await failAbandonedJobs(this.db, STALE_AFTER_MS);
      if (failed > 0) this.log.warn({ failed }, 'failed jobs abandoned by a stopped process');
    } catch (error) {
      if (!this.closed) this.log.error({ err: error }, 'job housekeeping failed');
    }
  }

  async submit(spec: JobSpec, work: JobWork): Promise<JobRow> {
    if (this.closed) throw new DomainError(503, 'Service unavailable', 'the service is shutting down');
    const row = await insertJob(this.db, { kind: spec.kind, capability: spec.capability, params: spec.params, createdBy: spec.actor.tokenId, owner: this.owner });
    let resolveSettled!: () => void;
    this.settled.set(row.id, new Promise((resolve) => (resolveSettled = resolve)));
    this.resolvers.set(row.id, resolveSettled);
    this.queue.push({ id: row.id, work });
    setImmediate(() => this.pump());
    return row;
  }

  /** Resolves when the job has finished (any status); for callers that answer small jobs at once. */
  async settledWithin(id: string, ms: number): Promise<boolean> {
    const settled = this.settled.get(id);
    if (!settled) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([settled.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Asks a job to stop (see cancelJobFor for the checked, audited way from a request). */
  async cancel(id: string): Promise<JobRow | undefined> {
    const row = await requestCancel(this.db, id);
    this.stopLocally(id);
    return row;
  }

  /** After its cancel flag is stored: abort the job here if it runs here, drop it if queued here. */
  stopLocally(id: string): void {
    this.running.get(id)?.controller.abort();
    const queued = this.queue.findIndex((q) => q.id === id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(id);
    }
  }

  /** The job is over (stored, cancelled or failed): wake whoever waits for it. */
  private settle(id: string) {
    this.resolvers.get(id)?.();
    this.resolvers.delete(id);
    this.settled.delete(id);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift() as { id: string; work: JobWork };
      const controller = new AbortController();
      const done = this.execute(next.id, next.work, controller).finally(() => {
        this.running.delete(next.id);
        this.settle(next.id);
        this.pump();
      });
      this.running.set(next.id, { controller, done });
    }
  }

  private async execute(id: string, work: JobWork, controller: AbortController): Promise<void> {
    if (!(await startJob(this.db, id))) return;
    let lastWrite = 0;
    let pendingWrite: Promise<void> = Promise.resolve();
    // Cancellation may come from another process (a shared PostgreSQL): poll the flag too.
    const poll = setInterval(() => {
      void isCancelRequested(this.db, id).then(
        (requested) => {
          if (requested) controller.abort();
        },
        () => {},
      );
    }, 1000);
    const context: JobContext = {
      jobId: id,
      signal: controller.signal,
      progress: (fraction, message) => {
        const now = Date.now();
        if (now - lastWrite < 500 && fraction < 1) return;
        lastWrite = now;
        pendingWrite = pendingWrite.then(() => reportProgress(this.db, id, fraction, message ?? `${Math.round(fraction * 100)}%`)).catch(() => {});
      },
    };
    try {
      const outcome = await work(context);
      await pendingWrite;
      if (controller.signal.aborted) throw new CancelledError();
      await this.db.transaction().execute(async (trx) => {
        await outcome.persist(trx);
        await finishJob(trx, id, { status: 'succeeded', message: outcome.message ?? 'done', resultType: outcome.resultType, resultId: outcome.resultId });
      });
      try {
        outcome.afterCommit?.();
      } catch (error) {
        this.log.error({ err: error, jobId: id }, 'a job’s work after its result was stored failed');
      }
    } catch (error) {
      await pendingWrite;
      if (error instanceof CancelledError || controller.signal.aborted) {
        await finishJob(this.db, id, { status: 'cancelled', message: this.closed ? 'cancelled: the service shut down' : 'cancelled; nothing was stored' });
      } else if (error instanceof DomainError) {
        await finishJob(this.db, id, { status: 'failed', message: error.message, error: { status: error.status, title: error.title, detail: error.message, errors: error.errors ?? [] } });
      } else {
        this.log.error({ err: error, jobId: id }, 'job failed');
        await finishJob(this.db, id, { status: 'failed', message: 'internal error; it has been logged', error: { status: 500, title: 'Internal error' } });
      }
    } finally {
      clearInterval(poll);
    }
  }

  /** Stops taking work, cancels what is queued and running, and waits for it to settle. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const queued of this.queue.splice(0)) {
      await finishJob(this.db, queued.id, { status: 'cancelled', message: 'cancelled: the service shut down' }).catch(() => {});
      this.settle(queued.id);
    }
    for (const job of this.running.values()) job.controller.abort();
    await Promise.allSettled([...this.running.values()].map((job) => job.done));
  }
}
