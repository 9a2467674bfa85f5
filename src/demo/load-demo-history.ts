import type { Kysely } from 'kysely';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { insertEpisodes, insertTeam } from '../db/repositories/teams.ts';
import type { Database, NewCareEpisodeRow } from '../db/schema.ts';
import { addMonthsToIsoDate, generateDemoCohort } from './generate-demo-cohort.ts';
import { generateDemoHistory } from './generate-demo-history.ts';

/**
 * Stores Northvale's teams, key workers and histories beside the demo cohort just imported
 * (issue 17), every date moved forward by `months` like the cohort's. One transaction: all or
 * nothing. Returns the number of episodes stored.
 */
export async function loadDemoHistory(db: Kysely<Database>, actor: Actor, months: number): Promise<number> {
  const demo = generateDemoHistory(generateDemoCohort());
  const shift = (iso: string) => (months === 0 ? iso : addMonthsToIsoDate(iso, months));
  return db.transaction().execute(async (trx) => {
    const teamIds = new Map<string, string>();
    for (const team of demo.teams) teamIds.set(team.name, (await insertTeam(trx, { name: team.name, service: team.service, annual_budget_pence: Math.round(team.annualBudget * 100) })).id);
    const stored = await trx.selectFrom('young_people').select(['id', 'reference']).where('erased_at', 'is', null).execute();
    const rows: NewCareEpisodeRow[] = [];
    for (const person of stored) {
      const p = person.reference ? demo.people.get(person.reference) : undefined;
      if (!p) continue;
      await trx
        .updateTable('young_people')
        .set({ team_id: teamIds.get(p.team) ?? null, key_worker_reference: p.keyWorkerReference ?? null })
        .where('id', '=', person.id)
        .execute();
      for (const e of p.episodes) {
        rows.push({
          young_person_id: person.id,
          start_date: shift(e.startDate),
          end_date: e.endDate ? shift(e.endDate) : null,
          care_state: e.careState,
          new_placement: e.newPlacement ?? false,
          placement_district: e.placementDistrict ?? null,
          distance_miles: e.distanceFromHomeMiles ?? null,
          entry: e.entry ?? null,
          exit_reason: e.exitReason ?? null,
          leaver_activity: e.leaverActivity ?? null,
          accommodation_suitable: e.accommodationSuitable ?? null,
        });
      }
    }
    await insertEpisodes(trx, rows);
    await appendAuditEvent(trx, actor, { action: 'history.import', resourceType: 'young_person', resourceId: null, detail: { source: 'demo', episodes: rows.length, teams: demo.teams.length } });
    return rows.length;
  });
}
