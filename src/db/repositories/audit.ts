import type { Kysely } from 'kysely';
import type { AuditEventRow, Database } from '../schema.ts';

/** Who did it: the token behind the request (or the system, for start-up work). */
export interface Actor {
  tokenId: string | null;
  name: string;
  role: string;
}

export const systemActor: Actor = { tokenId: null, name: 'system', role: 'admin' };

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  /** Never personal data: ids, counts, parameters. */
  detail?: Record<string, unknown>;
}

/** Appends one audit event. Pass the transaction that makes the change, so both land or neither. */
export async function appendAuditEvent(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await appendAuditEvents(db, actor, [entry]);
}

/** Appends several audit events in one statement (a bulk import's one per record). */
export async function appendAuditEvents(db: Kysely<Database>, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_events')
    .values(
      entries.map((entry) => ({
        actor_token_id: actor.tokenId,
        actor_name: actor.name,
        actor_role: actor.role,
        action: entry.action,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
      })),
    )
    .execute();
}

export interface AuditFilter {
  action?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  actorTokenId?: string | undefined;
  since?: string | undefined;
  limit: number;
  offset: number;
}

export async function listAuditEvents(
  db: Kysely<Database>,
  filter: AuditFilter,
): Promise<{ items: AuditEventRow[]; total: number }> {
  let query = db.selectFrom('audit_events');
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.resourceType) query = query.where('resource_type', '=', filter.resourceType);
  if (filter.resourceId) query = query.where('resource_id', '=', filter.resourceId);
  if (filter.actorTokenId) query = query.where('actor_token_id', '=', filter.actorTokenId);
  if (filter.since) query = query.where('at', '>=', new Date(filter.since));
  const items = await query.selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: items.map((row) => ({ ...row, id: Number(row.id) })), total: Number(count.n) };
}
