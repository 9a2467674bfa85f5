import { type Kysely, sql } from 'kysely';

// Frozen in time: later changes go in new migrations, never here.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'uuid')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addCheckConstraint(
      'api_tokens_role_check',
      sql`role in ('admin', 'finance', 'commissioning', 'head_of_service', 'board')`,
    )
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_token_id', 'uuid')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();
  await db.schema
    .createIndex('audit_events_resource_idx')
    .on('audit_events')
    .columns(['resource_type', 'resource_id'])
    .execute();

  await db.schema
    .createTable('young_people')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Null once erased: the unique constraint then no longer blocks reuse of the reference.
    .addColumn('reference', 'text', (c) => c.unique())
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addColumn('birth_month', 'integer')
    .addColumn('sex', 'text')
    .addColumn('legal_status', 'text', (c) => c.notNull())
    .addColumn('tier', 'integer', (c) => c.notNull())
    .addColumn('care_state', 'text', (c) => c.notNull())
    .addColumn('needs_profile', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('placement', 'jsonb')
    .addColumn('services', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('erased_at', 'timestamptz')
    .addCheckConstraint('young_people_tier_check', sql`tier between 1 and 4`)
    .addCheckConstraint('young_people_birth_month_check', sql`birth_month is null or birth_month between 1 and 12`)
    .addCheckConstraint('young_people_reference_unless_erased', sql`erased_at is not null or reference is not null`)
    .execute();
  await db.schema
    .createIndex('young_people_state_idx')
    .on('young_people')
    .columns(['care_state', 'tier'])
    .where(sql.ref('erased_at'), 'is', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('young_people').execute();
  await db.schema.dropTable('audit_events').execute();
  await db.schema.dropTable('api_tokens').execute();
}
