import { type Kysely, sql } from 'kysely';
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
  /** A team id, lower case: the team's events and those about its young people today (see teamEvents). */
  team?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * Events about a team (`team`: its id, lower case) or about a young person in it today: the
 * team's own (resource team), the person's (resource young_person, their id), and their care
 * plans' and projections' (resource care_plan or pathway_projection, whose detail.youngPersonId
 * every such event carries: the plan or projection row may be gone, the event stays). Ids are
 * compared in lower case: a resource id is written as the request gave it.
 */
const teamEvents = (team: string) => {
  const members = sql`(select young_people.id::text from young_people where young_people.team_id = ${team}::uuid)`;
  return sql<boolean>`(
    (audit_events.resource_type = 'team' and lower(audit_events.resource_id) = ${team})
    or (audit_events.resource_type = 'young_person' and lower(audit_events.resource_id) in ${members})
    or (audit_events.resource_type in ('care_plan', 'pathway_projection') and lower(audit_events.detail->>'youngPersonId') in ${members})
  )`;
};

/** Does any event name `team` (a team id, lower case) as its resource (the team.create of a team deleted since, say)? */
export async function teamInAuditLog(db: Kysely<Database>, team: string): Promise<boolean> {
  const row = await db.selectFrom('audit_events').select('id').where('resource_type', '=', 'team').where(sql<string>`lower(resource_id)`, '=', team).limit(1).executeTakeFirst();
  return row !== undefined;
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
  if (filter.team) query = query.where(teamEvents(filter.team));
  const items = await query.selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: items.map((row) => ({ ...row, id: Number(row.id) })), total: Number(count.n) };
}
