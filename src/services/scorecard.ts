import type { Kysely } from 'kysely';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findTeamById, listAllEpisodes, listTargetRows, listTeamRows, upsertTarget } from '../db/repositories/teams.ts';
import type { Database } from '../db/schema.ts';
import { COMPLEMENT, DISCLOSURE_NOTE, protectCounts, type Relation, type ShownCount } from '../export/disclosure.ts';
import type { Episode, History } from '../outcomes/measures.ts';
import {
  type Cell,
  computeScorecard,
  type MeasureResult,
  ragOf,
  SCORECARD_GROUPS,
  SCORECARD_MEASURES,
  type ScorecardPerson,
  type Thresholds,
  thresholdOrderError,
  thresholdRangeErrors,
} from '../outcomes/scorecard.ts';
import { BadRequestError, NotFoundError } from './errors.ts';

/**
 * The scorecard and team views as the API answers them (issue 17). Roles that read individual
 * records see every figure; roles without (the board) read it under the disclosure rule of
 * src/export/disclosure.ts: children counts of 1-4 show as "<5", a second figure is hidden ("c")
 * where the organisation's total would give one away (teams and the no-team group add up to it),
 * and a share, its colour and its distance from target are withheld wherever either of its
 * counts is hidden. Money for a group of 1-4 young people is withheld (null) the same way.
 * Measures that count the same children are protected together: "without a key worker" and the
 * caseload's children with a key worker add up to the group's total (protectWorkforce), so a
 * hidden count cannot be recovered as a difference of two shown ones.
 */

export const GROUP_LABELS: Record<(typeof SCORECARD_GROUPS)[number], string> = {
  finance: 'Finance',
  young_peoples_outcomes: 'Young people’s outcomes',
  practice: 'Practice',
  workforce: 'Workforce',
};

/** The weekly price in force on `day` given a start price and dated changes. */
function inForce(start: number, changes: Array<{ from: string; amount: number }>, day: string): number {
  let price = start;
  for (const c of changes) if (c.from <= day) price = c.amount;
  return price;
}

/** Weekly prices of the placement and services in force on `day`, GBP. */
export function weeklyCommitment(placement: Record<string, unknown> | null, services: Array<Record<string, unknown>>, day: string): number {
  let total = 0;
  if (placement && typeof placement.weeklyPrice === 'number' && String(placement.startDate) <= day) {
    const changes = ((placement.priceChanges as Array<{ from: string; weeklyPrice: number }> | undefined) ?? []).map((c) => ({ from: c.from, amount: c.weeklyPrice }));
    total += inForce(placement.weeklyPrice, changes, day);
  }
  for (const s of services) {
    if (String(s.startDate) > day || (typeof s.endDate === 'string' && s.endDate < day)) continue;
    const changes = ((s.costChanges as Array<{ from: string; weeklyCost: number }> | undefined) ?? []).map((c) => ({ from: c.from, amount: c.weeklyCost }));
    total += inForce(Number(s.weeklyCost), changes, day);
  }
  return total;
}

export async function storedThresholds(db: Kysely<Database>): Promise<Map<string, Thresholds>> {
  return new Map((await listTargetRows(db)).map((r) => [r.measure, { target: Number(r.target), green: Number(r.green), amber: Number(r.amber) }]));
}

export async function listOutcomeMeasures(db: Kysely<Database>) {
  const stored = await storedThresholds(db);
  return {
    items: SCORECARD_MEASURES.map((m) => {
      const t = stored.get(m.id) ?? m.defaults;
      return { id: m.id, group: m.group, label: m.label, kind: m.kind, unit: m.unit, direction: m.direction, definition: m.definition, source: m.source, trend: m.trend, ...t, isDefault: !stored.has(m.id) };
    }),
  };
}

export async function setTarget(db: Kysely<Database>, actor: Actor, measure: string, t: Thresholds) {
  const definition = SCORECARD_MEASURES.find((m) => m.id === measure);
  if (!definition) throw new NotFoundError('Outcome measure', measure);
  const error = thresholdOrderError(definition, t);
  if (error) throw new BadRequestError('The red-amber-green thresholds are out of order', [{ field: `body/${error.field}`, reason: error.reason }]);
  const range = thresholdRangeErrors(definition, t);
  if (range.length > 0) throw new BadRequestError('A target or threshold is out of range', range.map((e) => ({ field: `body/${e.field}`, reason: e.reason })));
  await db.transaction().execute(async (trx) => {
    await upsertTarget(trx, { measure, ...t, updated_by: actor.tokenId });
    await appendAuditEvent(trx, actor, { action: 'scorecard.target', resourceType: 'outcome_measure', resourceId: measure, detail: { ...t } });
  });
  return (await listOutcomeMeasures(db)).items.find((m) => m.id === measure);
}

async function loadPeople(db: Kysely<Database>, asOf: string): Promise<ScorecardPerson[]> {
  const rows = await db
    .selectFrom('young_people')
    .select(['id', 'birth_year', 'birth_month', 'team_id', 'key_worker_reference', 'placement', 'services', 'closed_on'])
    .where('erased_at', 'is', null)
    .execute();
  const episodes = await listAllEpisodes(db);
  const byPerson = new Map<string, Episode[]>();
  for (const e of episodes) {
    const list = byPerson.get(e.young_person_id) ?? [];
    list.push({
      startDate: e.start_date,
      endDate: e.end_date ?? undefined,
      careState: e.care_state,
      newPlacement: e.new_placement,
      distanceMiles: e.distance_miles ?? undefined,
      entry: (e.entry ?? undefined) as Episode['entry'],
      exitReason: (e.exit_reason ?? undefined) as Episode['exitReason'],
      leaverActivity: (e.leaver_activity ?? undefined) as Episode['leaverActivity'],
      accommodationSuitable: e.accommodation_suitable ?? undefined,
      teamId: e.team_id ?? undefined,
    });
    byPerson.set(e.young_person_id, list);
  }
  return rows.map((r) => {
    const history: History = { birthYear: r.birth_year, birthMonth: r.birth_month ?? 1, episodes: byPerson.get(r.id) ?? [] };
    return {
      teamId: r.team_id,
      keyWorkerReference: r.key_worker_reference,
      weeklyCommitment: weeklyCommitment(r.placement, r.services, asOf),
      closedOn: r.closed_on,
      history,
    };
  });
}

type Shown = number | string | null;
export interface CellDto {
  numerator: Shown;
  denominator: Shown;
  value: number | null;
  rag: 'green' | 'amber' | 'red' | null;
  /** value − target (percentage points, or children per worker); null when the value is. */
  vsTarget: number | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function toCellDto(result: MeasureResult, c: Cell, numerator: Shown, denominator: Shown, hidden: boolean): CellDto {
  if (hidden || c.value === null) return { numerator, denominator, value: null, rag: null, vsTarget: null };
  return {
    numerator,
    denominator,
    value: round1(c.value),
    rag: ragOf(result.definition, result.thresholds, c.value),
    vsTarget: round1(c.value - result.thresholds.target),
  };
}

/** The three sets of relations a cell vector obeys: the teams and the no-team group add up to the organisation (last). */
function teamRelation(offset: number, length: number): Relation {
  return { parts: Array.from({ length: length - 1 }, (_, i) => offset + i), total: offset + length - 1 };
}

/**
 * The two workforce measures count the same children (everyone stored in the group): "without a
 * key worker" shows w of n, and the caseload shows k children with a key worker, where w + k = n
 * in every cell. Protected one measure at a time, a "<5" w could be read off as n − k; so their
 * counts are protected as one set, with that relation and each vector's team totals.
 * Returns the shown numerator and denominator of "without a key worker" and the shown caseload
 * numerator, cell by cell.
 */
export function protectWorkforce(without: Cell[], caseload: Cell[]): { withoutNumerator: ShownCount[]; withoutDenominator: ShownCount[]; caseloadNumerator: ShownCount[] } {
  const n = without.length;
  const values = [...without.map((c) => c.numerator), ...without.map((c) => c.denominator), ...caseload.map((c) => c.numerator)];
  const relations: Relation[] = [teamRelation(0, n), teamRelation(n, n), teamRelation(2 * n, n)];
  for (let i = 0; i < n; i++) relations.push({ parts: [i, 2 * n + i], total: n + i });
  const shown = protectCounts({ values, relations });
  return { withoutNumerator: shown.slice(0, n), withoutDenominator: shown.slice(n, 2 * n), caseloadNumerator: shown.slice(2 * n) };
}

/**
 * A share's numerators and denominators (teams…, no team, organisation), protected as one set
 * with their differences: 15 of 16 care leavers suitably housed says 1 is not, a count of
 * children as much as the numerator is (issue 17 review). So each cell's denominator −
 * numerator is protected as a count beside them (numerator + difference = denominator in each
 * cell, and the teams' differences add up to the organisation's): a difference of 1-4 hides the
 * numerator (or, failing that, the denominator) of its cell, and the team relations carry it on.
 * The differences are never shown; a negative one (not a share) is not a count.
 */
export function protectShare(cells: Cell[]): { numerators: ShownCount[]; denominators: ShownCount[] } {
  const n = cells.length;
  const values = [...cells.map((c) => c.numerator), ...cells.map((c) => c.denominator), ...cells.map((c) => c.denominator - c.numerator)];
  const isCount = values.map((v, i) => i < 2 * n || v >= 0);
  const relations: Relation[] = [teamRelation(0, n), teamRelation(n, n), teamRelation(2 * n, n)];
  for (let i = 0; i < n; i++) relations.push({ parts: [i, 2 * n + i], total: n + i });
  const shown = protectCounts({ values, isCount, relations });
  return { numerators: shown.slice(0, n), denominators: shown.slice(n, 2 * n) };
}

/**
 * Cells of one set (teams…, no team, organisation), protected when `protect` is set.
 * `shown`: numerators and denominators already protected together with another measure's
 * (protectWorkforce); used instead of protecting this measure alone.
 */
function cellsOf(result: MeasureResult, cells: Cell[], protect: boolean, shown?: { numerators: ShownCount[]; denominators?: ShownCount[] }): CellDto[] {
  const kind = result.definition.kind;
  const money = (x: number) => Math.round(x * 100) / 100;
  if (!protect) {
    return cells.map((c) =>
      toCellDto(result, c, kind === 'money' ? money(c.numerator) : c.numerator, kind === 'money' ? (c.denominator > 0 ? money(c.denominator) : null) : c.denominator, false),
    );
  }
  const shield = (values: number[]): ShownCount[] => protectCounts({ values, relations: [teamRelation(0, cells.length)] });
  if (kind === 'money') {
    const people = shield(cells.map((c) => c.people));
    return cells.map((c, i) => {
      const hidden = typeof people[i] === 'string';
      return toCellDto(result, c, hidden ? null : money(c.numerator), c.denominator > 0 ? money(c.denominator) : null, hidden);
    });
  }
  if (!shown && kind === 'count') {
    const { numerators, denominators } = protectShare(cells);
    return cells.map((c, i) => toCellDto(result, c, numerators[i], denominators[i], typeof numerators[i] === 'string' || typeof denominators[i] === 'string'));
  }
  const numerators = shown?.numerators ?? shield(cells.map((c) => c.numerator));
  // A ratio's denominator counts key workers, not children; a share's counts children.
  const denominators = shown?.denominators ?? (kind === 'ratio' ? cells.map((c) => c.denominator) : shield(cells.map((c) => c.denominator)));
  return cells.map((c, i) => toCellDto(result, c, numerators[i], denominators[i], typeof numerators[i] === 'string' || typeof denominators[i] === 'string'));
}

/**
 * Every measure's cells now (teams…, no team, organisation) and at each quarter end, as shown:
 * protected (board) or in full. Pure, so the disclosure property can be tested without a database.
 */
export function shownCells(results: MeasureResult[], protect: boolean): Map<string, { now: CellDto[]; trend: CellDto[][] }> {
  const setOf = (r: { teams: Cell[]; unassigned: Cell; organisation: Cell }) => [...r.teams, r.unassigned, r.organisation];
  const joint = new Map<string, { numerators: ShownCount[]; denominators?: ShownCount[] }>();
  const without = results.find((r) => r.definition.id === 'without_key_worker');
  const caseload = results.find((r) => r.definition.id === 'caseload_per_key_worker');
  if (protect && without && caseload) {
    const w = protectWorkforce(setOf(without), setOf(caseload));
    joint.set(without.definition.id, { numerators: w.withoutNumerator, denominators: w.withoutDenominator });
    joint.set(caseload.definition.id, { numerators: w.caseloadNumerator });
  }
  return new Map(
    results.map((r) => [
      r.definition.id,
      { now: cellsOf(r, setOf(r), protect, joint.get(r.definition.id)), trend: r.trend.map((q) => cellsOf(r, setOf(q), protect)) },
    ]),
  );
}

/** Quarter ends (MM-DD) the protected scorecard may be read at. */
const QUARTER_ENDS = ['03-31', '06-30', '09-30', '12-31'];

/** Whether `day` (YYYY-MM-DD) is 31 March, 30 June, 30 September or 31 December. */
export function isQuarterEnd(day: string): boolean {
  return QUARTER_ENDS.includes(day.slice(5));
}

/** The latest quarter end on or before `day` (YYYY-MM-DD). */
export function latestQuarterEnd(day: string): string {
  const year = Number(day.slice(0, 4));
  const ends = QUARTER_ENDS.map((md) => `${year}-${md}`).filter((d) => d <= day);
  return ends[ends.length - 1] ?? `${year - 1}-12-31`;
}

export interface ScorecardOptions {
  asOf: string;
  quarters: number;
  /** Apply the disclosure rule (roles without individual access). */
  protect: boolean;
  /** Only this team's cells (the team view). */
  teamId?: string;
}

export async function getScorecard(db: Kysely<Database>, options: ScorecardOptions) {
  const teamRows = await listTeamRows(db);
  if (options.teamId !== undefined && !(await findTeamById(db, options.teamId))) throw new NotFoundError('Team', options.teamId);
  const teams = teamRows.map((t) => ({ id: t.id, name: t.name, service: t.service, annualBudget: t.annual_budget_pence === null ? null : Number(t.annual_budget_pence) / 100 }));
  const people = await loadPeople(db, options.asOf);
  const results = computeScorecard({ people, teams, thresholds: await storedThresholds(db), asOf: options.asOf, quarters: options.quarters });
  const keep = (i: number) => options.teamId === undefined || teams[i].id === options.teamId;
  const shown = shownCells(results, options.protect);
  const measures = results.map((r) => {
    const { now, trend } = shown.get(r.definition.id) as { now: CellDto[]; trend: CellDto[][] };
    const n = r.teams.length;
    return {
      id: r.definition.id,
      group: r.definition.group,
      label: r.definition.label,
      kind: r.definition.kind,
      unit: r.definition.unit,
      direction: r.definition.direction,
      definition: r.definition.definition,
      source: r.definition.source,
      ...r.thresholds,
      organisation: now[n + 1],
      teams: now.slice(0, n).map((c, i) => ({ teamId: teams[i].id, ...c })).filter((_, i) => keep(i)),
      ...(options.teamId === undefined ? { noTeam: now[n] } : {}),
      trend: r.trend.map((q, k) => {
        const cells = trend[k];
        return { quarterEnd: q.quarterEnd, organisation: cells[n + 1], teams: cells.slice(0, n).map((c, i) => ({ teamId: teams[i].id, ...c })).filter((_, i) => keep(i)), ...(options.teamId === undefined ? { noTeam: cells[n] } : {}) };
      }),
    };
  });
  return {
    asOf: options.asOf,
    disclosure: options.protect ? 'protected' : 'full',
    note: options.protect ? `${DISCLOSURE_NOTE.replace(/ Counts are means.*$/, '')} Shares, colours and money are withheld where a count behind them is hidden (${COMPLEMENT} or <5).` : 'Every figure as counted.',
    teams: teams.filter((_, i) => keep(i)).map((t) => ({ id: t.id, name: t.name, service: t.service, annualBudget: t.annualBudget })),
    groups: SCORECARD_GROUPS.map((g) => ({ id: g, label: GROUP_LABELS[g], measures: measures.filter((m) => m.group === g) })),
  };
}
