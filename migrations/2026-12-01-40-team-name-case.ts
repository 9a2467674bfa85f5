import { type Kysely, sql } from 'kysely';

// Team names unique ignoring case (issue 17 review, finding 11): "Leaving care" and "leaving
// care" named two teams, and a CSV import naming a team ignoring case could not tell them apart.
// The service refuses such a name with 409 naming body/name; this index makes the database say
// the same on both back ends (PGlite and PostgreSQL), whatever writes to it. A database already
// holding two names that differ only in case stops here: rename one (PATCH /v1/teams/{id}) first.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index teams_name_lower_unique on teams (lower(name))`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index teams_name_lower_unique`.execute(db);
}
