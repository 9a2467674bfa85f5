import type { Kysely } from 'kysely';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { insertEpisodes, insertTeam } from '../db/repositories/teams.ts';
import type { Database, NewCareEpisodeRow } from '../db/schema.ts';
import { addMonthsToIsoDate, generateDemoCohort } from './generate-demo-cohort.ts';
import { type DemoEpisode, generateDemoHistory } from './generate-demo-history.ts';
import { insertYoungPeople } from '../db/repositories/young-people.ts';
import { toYoungPersonRow } from '../services/young-people.ts';

/**
 * Stores Northvale's teams, key workers and histories beside the demo cohort just imported
 * (issue 17), and the former children whose cases closed in the window (records of their own,
 * closed, with their histories) and the care leavers aged 19-21 added to the file's (open, under
 * leaving care), every date moved forward by `months` like the cohort's. One
 * transaction: all or nothing. Returns the numbers stored: episodes, open care leavers added beside
 * the file's people, and closed former children.
 */
export async function loadDemoHistory(db: Kysely<Database>, actor: Actor, months: number): Promise<{ episodes: number; careLeaversAdded: number; casesClosed: number }> {
  const demo = generateDemoHistory(generateDemoCohort());
  const shift = (iso: string) => (months === 0 ? iso : addMonthsToIsoDate(iso, months));
  return db.transaction().execute(async (trx) => {
    const teamIds = new Map<string, string>();
    const episodeRow = (youngPersonId: string, e: DemoEpisode): NewCareEpisodeRow => ({
      young_person_id: youngPersonId,
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
      team_id: e.team !== undefined ? (teamIds.get(e.team) ?? null) : null,
      weekly_price_pence: e.weeklyPrice === undefined ? null : Math.round(e.weeklyPrice * 100),
    });
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
      for (const e of p.episodes) rows.push(episodeRow(person.id, e));
    }
    // Former children: closed records, dated like the rest (birth month, closing day), then their histories.
    const formerRows = await insertYoungPeople(
      trx,
      demo.former.map((f) => {
        const born = shift(`${f.record.birthYear}-${String(f.record.birthMonth).padStart(2, '0')}-01`);
        return {
          ...toYoungPersonRow({ ...f.record, birthYear: Number(born.slice(0, 4)), birthMonth: Number(born.slice(5, 7)), closedOn: shift(f.record.closedOn) }),
          team_id: teamIds.get(f.team) ?? null,
        };
      }),
    );
    const formerIds = new Map(formerRows.map((r) => [r.reference, r.id]));
    for (const f of demo.former) for (const e of f.episodes) rows.push(episodeRow(formerIds.get(f.record.reference) as string, e));
    // Care leavers aged 19-21 beyond the cohort file's: open records under leaving care, dated like the rest.
    const leaverRows = await insertYoungPeople(
      trx,
      demo.careLeavers.map((c) => {
        const born = shift(`${c.record.birthYear}-${String(c.record.birthMonth).padStart(2, '0')}-01`);
        const services = c.record.services.map((x) => ({ ...x, startDate: shift(x.startDate), ...(x.endDate ? { endDate: shift(x.endDate) } : {}) }));
        return {
          ...toYoungPersonRow({ ...c.record, birthYear: Number(born.slice(0, 4)), birthMonth: Number(born.slice(5, 7)), services }),
          team_id: teamIds.get('Leaving care') ?? null,
          key_worker_reference: c.keyWorkerReference ?? null,
        };
      }),
    );
    const leaverIds = new Map(leaverRows.map((r) => [r.reference, r.id]));
    for (const c of demo.careLeavers) for (const e of c.episodes) rows.push(episodeRow(leaverIds.get(c.record.reference) as string, e));
    await insertEpisodes(trx, rows);
    await appendAuditEvent(trx, actor, { action: 'history.import', resourceType: 'young_person', resourceId: null, detail: { source: 'demo', episodes: rows.length, teams: demo.teams.length, casesClosed: formerRows.length, careLeaversAdded: leaverRows.length } });
    return { episodes: rows.length, careLeaversAdded: leaverRows.length, casesClosed: formerRows.length };
  });
}
