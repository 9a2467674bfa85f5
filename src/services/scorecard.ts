import type { Kysely } from 'kysely';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findTeamById, listAllEpisodes, listTargetRows, listTeamRows, upsertTarget } from '../db/repositories/teams.ts';
import type { Database } from '../db/schema.ts';
import { COMPLEMENT, DISCLOSURE_NOTE, protectCounts, type ShownCount } from '../export/disclosure.ts';
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
} from '../outcomes/scorecard.ts';
import { BadRequestError, NotFoundError } from './errors.ts';

/**
 * The scorecard and team views as the API answers them (issue 17). Roles that read individual
 * records see every figure; roles without (the board) read it under the disclosure rule of
 * src/export/disclosure.ts: children counts of 1-4 show as "<5", a second figure is hidden ("c")
 * where the organisation's total would give one away (teams and the no-team group add up to it),
 * and a share, its colour and its distance from target are withheld wherever either of its
 * counts is hidden. Money for a group of 1-4 young people is withheld (null) the same way.
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
  if (definition.unit === 'percent') {
    for (const key of ['target', 'green', 'amber'] as const) {
      if (t[key] > 1000) throw new BadRequestError('A percentage threshold is out of range', [{ field: `body/${key}`, reason: 'must be at most 1000 (per cent)' }]);
    }
  }
  await db.transaction().execute(async (trx) => {
    await upsertTarget(trx, { measure, ...t, updated_by: actor.tokenId });
    await appendAuditEvent(trx, actor, { action: 'scorecard.target', resourceType: 'outcome_measure', resourceId: measure, detail: { ...t } });
  });
  return (await listOutcomeMeasures(db)).items.find((m) => m.id === measure);
}

async function loadPeople(db: Kysely<Database>, asOf: string): Promise<ScorecardPerson[]> {
  const rows = await db
    .selectFrom('young_people')
    .select(['id', 'birth_year', 'birth_month', 'team_id', 'key_worker_reference', 'placement', 'services'])
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
    });
    byPerson.set(e.young_person_id, list);
  }
  return rows.map((r) => {
    const history: History = { birthYear: r.birth_year, birthMonth: r.birth_month ?? 1, episodes: byPerson.get(r.id) ?? [] };
    return {
      teamId: r.team_id,
      keyWorkerReference: r.key_worker_reference,
      weeklyCommitment: weeklyCommitment(r.placement, r.services, asOf),
      history,
    };
  });
}

type Shown = number | string | null;
interface CellDto {
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

/** Cells of one set (teams…, no team, organisation), protected when `protect` is set. */
function cellsOf(result: MeasureResult, cells: Cell[], protect: boolean): CellDto[] {
  const kind = result.definition.kind;
  const money = (x: number) => Math.round(x * 100) / 100;
  if (!protect) {
    return cells.map((c) =>
      toCellDto(result, c, kind === 'money' ? money(c.numerator) : c.numerator, kind === 'money' ? (c.denominator > 0 ? money(c.denominator) : null) : c.denominator, false),
    );
  }
  const total = cells.length - 1;
  const relation = { parts: cells.slice(0, total).map((_, i) => i), total };
  const shield = (values: number[]): ShownCount[] => protectCounts({ values, relations: [relation] });
  if (kind === 'money') {
    const people = shield(cells.map((c) => c.people));
    return cells.map((c, i) => {
      const hidden = typeof people[i] === 'string';
      return toCellDto(result, c, hidden ? null : money(c.numerator), c.denominator > 0 ? money(c.denominator) : null, hidden);
    });
  }
  const numerators = shield(cells.map((c) => c.numerator));
  // A ratio's denominator counts key workers, not children; a share's counts children.
  const denominators = kind === 'ratio' ? cells.map((c) => c.denominator) : shield(cells.map((c) => c.denominator));
  return cells.map((c, i) => toCellDto(result, c, numerators[i], denominators[i], typeof numerators[i] === 'string' || typeof denominators[i] === 'string'));
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
  const measures = results.map((r) => {
    const now = cellsOf(r, [...r.teams, r.unassigned, r.organisation], options.protect);
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
      trend: r.trend.map((q) => {
        const cells = cellsOf(r, [...q.teams, q.unassigned, q.organisation], options.protect);
        return { quarterEnd: q.quarterEnd, organisation: cells[n + 1], teams: cells.slice(0, n).map((c, i) => ({ teamId: teams[i].id, ...c })).filter((_, i) => keep(i)) };
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
