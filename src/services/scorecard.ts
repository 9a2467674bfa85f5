import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findTeamById, listAllEpisodes, listTargetRows, listTeamRows, upsertTarget } from '../db/repositories/teams.ts';
import type { Database } from '../db/schema.ts';
import { COMPLEMENT, type Domain, DISCLOSURE_NOTE, derivableFigures, feasibleDomains, HiddenSystem, isSmallCount, protectCounts, type Relation, type ShownCount, SMALL_COUNT, type SuppressionMark } from '../export/disclosure.ts';
import { DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import { type Episode, episodeOn, type History, monthsBefore } from '../outcomes/measures.ts';
import {
  type Cell,
  computeScorecard,
  historyStart,
  quarterEnds,
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

/** The placement's weekly price in force on `day`, GBP: its price from startDate, then each dated change from its day on. */
export function placementPriceOn(placement: { weeklyPrice: number; priceChanges?: Array<{ from: string; weeklyPrice: number }> | undefined }, day: string): number {
  return inForce(
    placement.weeklyPrice,
    (placement.priceChanges ?? []).map((c) => ({ from: c.from, amount: c.weeklyPrice })),
    day,
  );
}

const placementStates: ReadonlySet<string> = new Set(DEFAULT_CARE_STATES.filter((s) => s.placement).map((s) => s.id));

/**
 * What a young person cost a week on `day`, GBP, and whether the placement's price then is known
 * (issue 17, review finding 4). Services as weeklyCommitment (they carry their dates). The
 * placement: today's (the record's, with its dated price changes) where it had begun by `day`;
 * else the history episode in force that day: its weeklyPrice when recorded; nothing when its
 * state has no placement (at home, a care leaver: their services are the cost) or when no
 * episode covers the day (not in the recorded history then); and, for a placement with no
 * recorded price, `unpriced`: the placement adds nothing to `weekly`, and the caller counts the
 * child as unpriced rather than at £0. A closed case's record keeps the placement it had when it
 * closed (the service refuses changing it while closed), so that placement is read the same way.
 * `placement` and `services` as stored on the record (JSON; GBP); `episodes` in start order.
 */
export function weeklyCommitmentOn(
  placement: Record<string, unknown> | null,
  services: Array<Record<string, unknown>>,
  episodes: readonly Episode[],
  day: string,
): { weekly: number; unpriced: boolean } {
  if (placement && typeof placement.weeklyPrice === 'number' && String(placement.startDate) <= day) return { weekly: weeklyCommitment(placement, services, day), unpriced: false };
  const servicesOnly = weeklyCommitment(null, services, day);
  const episode = episodeOn({ episodes }, day);
  if (!episode || !placementStates.has(episode.careState)) return { weekly: servicesOnly, unpriced: false };
  if (episode.weeklyPrice === undefined) return { weekly: servicesOnly, unpriced: true };
  return { weekly: servicesOnly + episode.weeklyPrice, unpriced: false };
}

/** The agency whose budget the scorecard's teams hold: a children's services team's budget is children's social care's. */
export const TEAM_BUDGET_AGENCY = 'childrens_social_care';

/**
 * Weekly prices of the placement and services in force on `day`, GBP, that fall to the team's
 * budget: the placement (placements are commissioned by children's social care) and the services
 * children's social care pays for. A service paid by health, education, youth justice or housing
 * is on the record but not on the team's budget (issue 17 review: 150 of the demo's 441 services
 * were charged to the teams).
 */
export function weeklyCommitment(placement: Record<string, unknown> | null, services: Array<Record<string, unknown>>, day: string): number {
  let total = 0;
  if (placement && typeof placement.weeklyPrice === 'number' && String(placement.startDate) <= day) {
    const changes = ((placement.priceChanges as Array<{ from: string; weeklyPrice: number }> | undefined) ?? []).map((c) => ({ from: c.from, amount: c.weeklyPrice }));
    total += inForce(placement.weeklyPrice, changes, day);
  }
  for (const s of services) {
    if (s.fundingAgency !== undefined && s.fundingAgency !== TEAM_BUDGET_AGENCY) continue;
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
  if (!definition) throw new NotFoundError('Outcome measure', measure, 'params/measure');
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

/**
 * What getScorecard reads from the database, as plain data: it is hashed for the board's cache
 * and crosses to the worker thread (structured clone), where scorecardAnswer builds the answer.
 * `people`: the records not erased, as stored (placement and services JSON, GBP; in the order the
 * database answers); `episodes`: each of their care histories (in start order) by record id;
 * `teams` in name order, budgets in GBP; `thresholds`: the stored targets by measure.
 */
export interface ScorecardData {
  teams: Array<{ id: string; name: string; service: string; annualBudget: number | null }>;
  people: Array<{
    id: string;
    birth_year: number;
    birth_month: number | null;
    team_id: string | null;
    key_worker_reference: string | null;
    placement: Record<string, unknown> | null;
    services: Array<Record<string, unknown>>;
    closed_on: string | null;
  }>;
  episodes: Array<[youngPersonId: string, episodes: Episode[]]>;
  thresholds: Array<[measure: string, thresholds: Thresholds]>;
}

export async function loadScorecardData(db: Kysely<Database>): Promise<ScorecardData> {
  const teamRows = await listTeamRows(db);
  const people = await db
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
      weeklyPrice: e.weekly_price_pence === null ? undefined : Number(e.weekly_price_pence) / 100,
    });
    byPerson.set(e.young_person_id, list);
  }
  return {
    teams: teamRows.map((t) => ({ id: t.id, name: t.name, service: t.service, annualBudget: t.annual_budget_pence === null ? null : Number(t.annual_budget_pence) / 100 })),
    people,
    episodes: [...byPerson],
    thresholds: [...(await storedThresholds(db))],
  };
}

/** The records as the scorecard counts them, priced on `asOf` (YYYY-MM-DD). */
function peopleOf(data: ScorecardData, asOf: string): ScorecardPerson[] {
  const byPerson = new Map(data.episodes);
  return data.people.map((r) => {
    const history: History = { birthYear: r.birth_year, birthMonth: r.birth_month ?? 1, episodes: byPerson.get(r.id) ?? [] };
    const priced = weeklyCommitmentOn(r.placement, r.services, history.episodes, asOf);
    return {
      teamId: r.team_id,
      keyWorkerReference: r.key_worker_reference,
      weeklyCommitment: priced.weekly,
      unpriced: priced.unpriced,
      // Spend's trend prices each quarter end the same way (the record's dated prices, else the
      // history episode in force that day).
      commitmentOn: (day: string) => weeklyCommitmentOn(r.placement, r.services, history.episodes, day),
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
  /**
   * Money only (review finding 4): young people in the cell whose placement price on the day is
   * not known ("<5" or "c" when the disclosure rule hides it). Above 0 (or hidden), the spend is
   * incomplete: numerator and value are the known spend (a floor), and rag and vsTarget are null.
   */
  unpricedChildren?: Shown;
  /** Money only: false when unpricedChildren is above 0 or hidden. */
  spendComplete?: boolean;
  /**
   * 'history_incomplete' when the cell's counting window begins before the borough's recorded
   * history (Cell.unavailable): numerator, denominator, value, rag and vsTarget are then null, as
   * whatever was counted is an artefact of the missing years; absent on every other cell.
   */
  status?: 'history_incomplete';
  /** With `status`: the day the recorded history starts (YYYY-MM-DD; historyStart in src/outcomes/scorecard.ts). */
  historyStart?: string;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * One cell as shown. `unpriced`: a money cell's count of unpriced children as shown (protected
 * with the rest of its vector); absent, the count as computed. An incomplete spend keeps its
 * floor (numerator, value) but has no colour or distance from target: the whole is not known.
 */
function toCellDto(result: MeasureResult, c: Cell, shownNumerator: Shown, denominator: Shown, hidden: boolean, unpriced?: Shown): CellDto {
  const money = result.definition.kind === 'money';
  // A count of none, or children over no key workers, can only be 0: a mark beside a shown 0
  // ("c of 0") withheld nothing and read as a hidden figure (review of 2 December, finding 4).
  // Not money: a spend beside no budget is a figure of its own.
  const numerator = !money && denominator === 0 && typeof shownNumerator === 'string' ? 0 : shownNumerator;
  const unpricedChildren = money ? (unpriced ?? c.unpriced ?? 0) : undefined;
  const complete = unpricedChildren === undefined || unpricedChildren === 0;
  const extra = money ? { unpricedChildren: unpricedChildren as Shown, spendComplete: complete } : {};
  // No figure at all, whether or not the disclosure rule would have shown one: showing less than
  // the protected set cannot give a hidden count away, and the count itself is not a real one (a
  // spend's unpriced children included: a day before the history cannot be priced from it).
  if (c.unavailable) return { numerator: null, denominator: null, value: null, rag: null, vsTarget: null, status: c.unavailable.status, historyStart: c.unavailable.historyStart };
  if (hidden || c.value === null) return { numerator, denominator, value: null, rag: null, vsTarget: null, ...extra };
  return {
    numerator,
    denominator,
    value: round1(c.value),
    rag: complete ? ragOf(result.definition, result.thresholds, c.value) : null,
    vsTarget: complete ? round1(c.value - result.thresholds.target) : null,
    ...extra,
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
 *
 * The caseload's denominator counts key workers, not children, but every key worker counted has
 * at least one of the cell's children, so it bounds them: k children with a key worker is at
 * least the number of key workers (4 key workers beside "<5" children says 4; 0 key workers says
 * 0 children; issue 17 review of 1 December). So a cell's key-worker count is withheld ("c")
 * wherever its k is hidden. Key workers are not additive (one may work in two teams, so the
 * organisation's count is at most the teams' sum), and a shown organisation count less the shown
 * teams' would still bound a hidden team's from below: so when any team's (or no team's) count
 * is withheld, the organisation's is withheld too.
 * Returns the shown numerator and denominator of "without a key worker" and the shown caseload
 * numerator and key-worker count, cell by cell (the organisation last).
 */
export function protectWorkforce(
  without: Cell[],
  caseload: Cell[],
): { withoutNumerator: ShownCount[]; withoutDenominator: ShownCount[]; caseloadNumerator: ShownCount[]; caseloadDenominator: ShownCount[] } {
  const n = without.length;
  const values = [...without.map((c) => c.numerator), ...without.map((c) => c.denominator), ...caseload.map((c) => c.numerator)];
  const relations: Relation[] = [teamRelation(0, n), teamRelation(n, n), teamRelation(2 * n, n)];
  for (let i = 0; i < n; i++) relations.push({ parts: [i, 2 * n + i], total: n + i });
  // "0 of <5 without a key worker" said every one of those few children has one: a numerator
  // over a denominator of 1-4 is "<5" whatever it is, 0 included (protectCounts' smallOrZero).
  const smallOrZero = values.map((_, i) => i < n && isSmallCount(without[i].denominator));
  const shown = protectCounts({ values, relations, smallOrZero });
  const caseloadNumerator = shown.slice(2 * n);
  const caseloadDenominator: ShownCount[] = caseload.map((c, i) => (typeof caseloadNumerator[i] === 'string' ? COMPLEMENT : c.denominator));
  if (caseloadDenominator.slice(0, n - 1).some((d) => typeof d === 'string')) caseloadDenominator[n - 1] = COMPLEMENT;
  return { withoutNumerator: shown.slice(0, n), withoutDenominator: shown.slice(n, 2 * n), caseloadNumerator, caseloadDenominator };
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
  return protectLinkedShares([cells], [])[0];
}

/**
 * Pairs of the scorecard's shares whose denominators count nested groups of the same children
 * in the same cell and period (the outer first), so that outer − inner is itself a count of
 * children: children looked after at the period's end (three or more placements) hold those
 * whose distance from home is known (placed more than 20 miles) and those under 16 in care 2.5
 * years or more (long-term stability); the two care-leaver measures count the same birthdays
 * (a difference of 0, so one hidden denominator hides the other). Each unit of these measures is
 * counted under the team of the same episode (the one in force at the period's end, or on the
 * birthday), so the nesting holds in every team's cell, not only the organisation's.
 */
export const NESTED_DENOMINATORS: ReadonlyArray<readonly [outer: string, inner: string]> = [
  ['three_or_more_placements', 'placed_over_20_miles'],
  ['three_or_more_placements', 'long_term_stability'],
  ['care_leavers_eet', 'care_leavers_suitable_accommodation'],
];

/**
 * Several shares of one view (one period: now, or one quarter end) protected as one set, so a
 * hidden count cannot be recovered by subtracting figures of two measures (issue 17 review:
 * 40 children looked after at 31 March beside 37 in care 2.5 years or more says 3 are not).
 * Each share brings what protectShare protects (numerators, denominators, their differences
 * and the team totals); each `nested` pair [outer, inner] (indices into `shares`) adds, cell by
 * cell, the outer denominator − the inner one as a count of children never shown, tied by
 * inner + difference = outer and by the team totals. A difference of 1-4 is then hidden like
 * any small count, and complementary suppression (protectCounts) hides a denominator so that it
 * cannot be worked out by subtraction, across measures as within one: the secondary suppression
 * of linked tables in the ONS/GSS disclosure control guidance (figures published in more than
 * one table are protected consistently, so "disclosure by differencing" between tables is
 * blocked: Hundepool et al., Statistical Disclosure Control, Wiley 2012, doi:10.1002/9781118348239,
 * on linked tables and secondary suppression; ONS, Statistical disclosure control,
 * https://webarchive.nationalarchives.gov.uk/20160106205135/http:/www.ons.gov.uk/ons/guide-method/method-quality/general-methodology/statistical-disclosure-control/index.html).
 * Returns each share's shown numerators and denominators, in the order given.
 */
export function protectLinkedShares(shares: Cell[][], nested: ReadonlyArray<readonly [number, number]>): Array<{ numerators: ShownCount[]; denominators: ShownCount[] }> {
  return protectLinkedViews([shares], nested, [])[0];
}

/**
 * The measures tied across views by the flow of children through care: the children looked
 * after at a year's end (three or more placements' denominator, DfE's "looked after at 31
 * March") are those looked after at its start (the same measure's denominator at the quarter end
 * a year before), plus the children who started to be looked after in the year (unplanned
 * entries' denominator), less those who ceased to be (the adoption and special guardianship
 * exits' denominator). Each child counts once in each (src/outcomes/measures.ts), so the identity
 * is exact for a child with at most one entry or at most one exit in the year, and under a team
 * when the child's entry, exit and the episodes in force at the year's start and end are the
 * team's; a child who left and came back (or came and left again) breaks it by one.
 */
export const FLOW_MEASURES = { stock: 'three_or_more_placements', inflow: 'unplanned_entries', outflow: 'exits_adoption_sgo' } as const;

/**
 * One flow identity between two views (indices into protectLinkedViews' `views`) and three
 * shares (indices into each view's shares): in each cell, stock at `startView` + inflow at
 * `endView` = stock at `endView` + outflow at `endView` (denominators), where the year of
 * `endView` begins the day after `startView`'s day.
 */
export interface FlowLink {
  startView: number;
  endView: number;
  stock: number;
  inflow: number;
  outflow: number;
}

/**
 * Linked shares of several views (now, and each quarter end of the trend) protected as one set
 * (issue 17 review, finding 3): protectLinkedShares' figures and relations for every view, and
 * each flow identity of `flows` where it holds exactly in the data, cell by cell, as two
 * relations through a sum never shown: stock at the start + inflow = S = stock at the end +
 * outflow. A reader of the trend who sees three of the four counts could otherwise rebuild the
 * fourth (Hundepool et al., Statistical Disclosure Control, Wiley 2012, on linked tables: a
 * figure published in several tables is protected in all of them together). Where the identity
 * does not hold (a child re-entered, or changed team) no relation is added: a reader who assumed
 * it would be wrong there. Zero parts are left out of the relations solved, zeros hidden as
 * complements and the organisation's totals are shown again where safe (showTotalsWhereSafe), as
 * protectLinkedShares always did. The set is solved one connected part at a time (figures that
 * share no relation, directly or through others, cannot tell a reader anything about each other),
 * so the views a year apart are solved together and the rest stay as small as before.
 * Returns, view by view, each share's shown numerators and denominators, in the order given.
 */
export function protectLinkedViews(
  views: Cell[][][],
  nested: ReadonlyArray<readonly [number, number]>,
  flows: ReadonlyArray<FlowLink>,
): Array<Array<{ numerators: ShownCount[]; denominators: ShownCount[] }>> {
  const values: number[] = [];
  const isCount: boolean[] = [];
  const relations: Relation[] = [];
  const add = (figures: number[], counts: (v: number) => boolean) => {
    const offset = values.length;
    values.push(...figures);
    isCount.push(...figures.map(counts));
    relations.push(teamRelation(offset, figures.length));
    return offset;
  };
  const neverShown = new Set<number>();
  // Numerators whose denominator is 1-4: shown "<5", 0 included (protectCounts' smallOrZero).
  const zeroOfFew = new Set<number>();
  // Sums of the flow identity: hidden from the start (protectCounts' neverShown).
  const auxiliary = new Set<number>();
  const viewOffsets = views.map((shares) => {
    const offsets = shares.map((cells) => {
      const n = cells.length;
      const num = add(
        cells.map((c) => c.numerator),
        () => true,
      );
      const den = add(
        cells.map((c) => c.denominator),
        () => true,
      );
      const diff = add(
        cells.map((c) => c.denominator - c.numerator),
        (v) => v >= 0,
      );
      for (let i = 0; i < n; i++) relations.push({ parts: [num + i, diff + i], total: den + i });
      for (let i = 0; i < n; i++) neverShown.add(diff + i);
      // A numerator over a denominator of 1-4 is "<5" whatever it is: "0 of <5" said none of
      // those few children has the attribute (issue 17 review). Its bounds are then 0-4.
      for (let i = 0; i < n; i++) if (isSmallCount(cells[i].denominator)) zeroOfFew.add(num + i);
      return { num, den, n };
    });
    for (const [outer, inner] of nested) {
      const o = offsets[outer];
      const inn = offsets[inner];
      const gap = add(
        shares[outer].map((c, i) => c.denominator - shares[inner][i].denominator),
        (v) => v >= 0,
      );
      for (let i = 0; i < o.n; i++) relations.push({ parts: [inn.den + i, gap + i], total: o.den + i });
      for (let i = 0; i < o.n; i++) neverShown.add(gap + i);
    }
    return offsets;
  });
  for (const f of flows) {
    const den = (view: number, share: number, i: number) => viewOffsets[view][share].den + i;
    const cellsAt = (view: number, share: number) => views[view][share];
    for (let i = 0; i < cellsAt(f.endView, f.stock).length; i++) {
      const start = cellsAt(f.startView, f.stock)[i].denominator;
      const inflow = cellsAt(f.endView, f.inflow)[i].denominator;
      const end = cellsAt(f.endView, f.stock)[i].denominator;
      const outflow = cellsAt(f.endView, f.outflow)[i].denominator;
      if (start + inflow !== end + outflow) continue;
      const aux = (value: number) => {
        const k = values.length;
        values.push(value);
        isCount.push(false);
        neverShown.add(k);
        auxiliary.add(k);
        return k;
      };
      // Through the net flow (entries − exits, of either sign): exits + net = entries, and stock
      // at the start + net = stock at the end (the same identity as stock at the start + entries
      // = S = stock at the end + exits). Written so, a count the identity would give away is
      // protected by hiding another figure of the year's flows (entries or exits, one measure's
      // cells) before a stock, whose hiding spreads to the measures nested in it.
      const net = aux(inflow - outflow);
      relations.push({ parts: [den(f.endView, f.outflow, i), net], total: den(f.endView, f.inflow, i) });
      relations.push({ parts: [den(f.startView, f.stock, i), net], total: den(f.endView, f.stock, i) });
    }
  }
  // Zeros hidden as complements first (an empty team's 0 of 0 protects nothing), then the
  // organisation's denominators and numerators (each vector's last cell), view by view.
  const zeros = values.flatMap((v, i) => (v === 0 && !auxiliary.has(i) && !zeroOfFew.has(i) ? [i] : []));
  const totals = viewOffsets.flatMap((offsets) => [...offsets.map(({ den, n }) => den + n - 1), ...offsets.map(({ num, n }) => num + n - 1)]);
  const shown = new Array<ShownCount>(values.length);
  for (const part of connectedParts(values.length, relations)) {
    const local = new Map(part.map((g, l) => [g, l]));
    const at = (g: number) => local.get(g) as number;
    const partRelations = relations.filter((r) => local.has(r.total)).map((r) => ({ parts: r.parts.map(at), total: at(r.total) }));
    const partValues = part.map((g) => values[g]);
    const partIsCount = part.map((g) => isCount[g]);
    // Zero parts left out of the relations protectCounts solves: a zero is never hidden for its
    // own sake and, shown, says nothing a reader needs to subtract; left in, an empty team's 0 was
    // chosen as a complement, which protects nothing and sets off further hiding.
    // Not for a relation with a numerator shown "<5" over "<5" (zeroOfFew): it may be 0, so the
    // reader can pin it at 0 through zeros ("<5" + 0 + 0 = a "c" total, which is then 0), and a
    // zero part may have to be hidden to stop that.
    const partSmallOrZero = part.map((g) => zeroOfFew.has(g));
    const solved = partRelations.map((r) => {
      if (r.parts.some((l) => partSmallOrZero[l])) return r;
      const nonZero = r.parts.filter((l) => partValues[l] !== 0);
      return { parts: nonZero.length > 0 ? nonZero : r.parts, total: r.total };
    });
    const protectedFigures = protectCounts({ values: partValues, isCount: partIsCount, relations: solved, neverShown: part.map((g) => auxiliary.has(g)), smallOrZero: partSmallOrZero });
    const candidates = [...zeros, ...totals].filter((g) => local.has(g)).map(at);
    const never = new Set(part.flatMap((g, l) => (neverShown.has(g) ? [l] : [])));
    const withTotals = showTotalsWhereSafe(partValues, partIsCount, partRelations, protectedFigures, candidates, never, partSmallOrZero);
    // Then every other complement a reader is shown, largest first (review finding 8).
    const published = partValues.map((_, l) => l).filter((l) => !never.has(l) && !candidates.includes(l));
    published.sort((a, b) => partValues[b] - partValues[a] || a - b);
    dropRedundantComplements(partValues, partIsCount, partRelations, withTotals, [...candidates, ...published], never, partSmallOrZero).forEach((s, l) => {
      shown[part[l]] = s;
    });
  }
  return viewOffsets.map((offsets) => offsets.map(({ num, den, n }) => ({ numerators: shown.slice(num, num + n), denominators: shown.slice(den, den + n) })));
}

/** The figures 0…count−1 grouped into the sets the relations connect (union-find), each in index order, the sets by their first figure. */
function connectedParts(count: number, relations: Relation[]): number[][] {
  const parent = Array.from({ length: count }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (const r of relations) {
    const a = root(r.total);
    for (const p of r.parts) {
      const b = root(p);
      if (a !== b) parent[b] = a;
    }
  }
  const parts = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const k = root(i);
    const list = parts.get(k) ?? [];
    list.push(i);
    parts.set(k, list);
  }
  return [...parts.values()];
}

const sameDomain = (x: Domain, y: Domain) => x.length === y.length && x.every(([lo, hi], i) => lo === y[i][0] && hi === y[i][1]);

/**
 * Secondary suppression that spares the organisation total (review finding 2). protectCounts
 * hides complements until no "<5" can be worked out or narrowed; where a "<5" is narrowed in a
 * way no further hiding can mend (a hidden numerator and a hidden difference, each "<5", say
 * their denominator is at least 2), it went on to the organisation totals: two looked-after
 * children moved into the leaving-care team blanked three measures for the board, the
 * organisation's figures included. Standard secondary suppression hides the least informative
 * complementary cells, a team cell before the total (Hundepool et al., Statistical Disclosure
 * Control, Wiley 2012, ch. 4 on secondary cell suppression; ONS disclosure control guidance), so
 * each hidden total in `candidates` (indices into `values`, in order) is shown again when that
 * tells the reader nothing more: no hidden numerator or denominator becomes exactly derivable
 * (derivableFigures; of the figures never shown, `neverShown`, some may),
 * and what the reader can tell of each (feasibleDomains, with every figure they could now work out
 * exactly taken as known) is exactly what it was with the total hidden. A hidden 0 that showing
 * the total makes derivable is shown too, where `revealable` (default: every figure) allows;
 * elsewhere it refuses the total. Returns the figures as shown.
 */
export function showTotalsWhereSafe(
  values: number[],
  isCount: boolean[],
  relations: Relation[],
  shown: ShownCount[],
  candidates: number[],
  neverShown: ReadonlySet<number>,
  smallOrZero?: boolean[],
  revealable?: (i: number) => boolean,
): ShownCount[] {
  const mark: Array<SuppressionMark | null> = shown.map((s) => (s === SMALL_COUNT || s === COMPLEMENT ? s : null));
  const before = feasibleDomains(values, mark, relations, isCount, smallOrZero);
  if (!before) return shown;
  // Each trial shows figures this mark hides and hides nothing more: worked out from `before`.
  const from = { mark: mark.slice(), domains: before };
  const derivableBefore = new Set(derivableFigures(values, mark.map((m) => m !== null), relations));
  // The hidden figures' system, eliminated once for the mark: each trial shows one figure of it
  // (HiddenSystem.showing), and a total shown (with what it reveals) carries on from the trial's.
  let system = new HiddenSystem(values, mark.map((m) => m !== null), relations);
  for (const t of candidates) {
    if (mark[t] !== COMPLEMENT) continue;
    const trial = mark.slice();
    trial[t] = null;
    // Only a figure never shown (a difference or a gap, indices in `neverShown`) may become
    // exactly derivable, as an organisation's difference does once its numerator and denominator
    // are both shown; the bounds are then computed with it known. A shown-as-hidden figure (a
    // "<5" or a "c" numerator or denominator) worked out exactly refuses the total.
    // A hidden 0 (a "c") that becomes derivable is shown as 0 with the total, when it may be
    // (`revealable`): the reader works it out anyway, and "c" beside a shown 0 it must be says
    // nothing (issue 17 review: an organisation's exits shown "c of 0").
    const shownSystem = system.showing(t);
    const derived = shownSystem.derivable().filter((i) => !derivableBefore.has(i));
    const revealed = derived.filter((i) => !neverShown.has(i));
    if (derived.some((i) => trial[i] === SMALL_COUNT) || revealed.some((i) => values[i] !== 0 || !(revealable?.(i) ?? true))) continue;
    const known = trial.map((m, i) => (derived.includes(i) ? null : m));
    const after = feasibleDomains(values, known, relations, isCount, smallOrZero, from);
    if (!after) continue;
    if (known.every((m, i) => m !== SMALL_COUNT || sameDomain(after[i], before[i]))) {
      mark[t] = null;
      for (const i of revealed) mark[i] = null;
      system = revealed.reduce((next, i) => next.showing(i), shownSystem);
    }
  }
  return values.map((v, i) => mark[i] ?? Math.round(v));
}

/**
 * The last step of secondary suppression (review finding 8): complements that protect nothing
 * once the others are chosen are shown again. protectCounts chooses complements one relation at
 * a time (the smallest shown part of a relation that needs one, and more while a "<5" can still
 * be narrowed), which is cheap but short-sighted: across linked measures and quarters a figure
 * hidden for one relation can make an earlier choice for another redundant. On the demo, three
 * looked-after children moved into the leaving-care team had both looked-after teams' cells of
 * the three linked measures hidden in every quarter. Standard practice is to lose as little
 * information as the protection allows (the loss of a hidden cell taken as its value) and to
 * drop secondary suppressions a heuristic left that are not needed (Hundepool et al.,
 * Statistical Disclosure Control, Wiley 2012, doi:10.1002/9781118348239, ch. 5 on secondary
 * cell suppression: minimum information loss, redundant suppressions). So each "c" of
 * `candidates` (indices into `values`, tried in order: the caller's totals first, then the
 * largest figures) is shown again when that tells the reader nothing more, the test
 * showTotalsWhereSafe applies to a total: no "<5" becomes exactly derivable (derivableFigures),
 * never-shown or not, and what the reader can tell of each "<5" (feasibleDomains, every figure
 * they can work out exactly taken as known) is exactly what it was. A "c" that showing it lets
 * the reader work out is shown with it (the organisation's children looked after shown at one
 * quarter end give them at the quarter ends a year apart, through the flow identity): the reader
 * has it either way, and it is taken as known in the bounds. A candidate in `neverShown` (a
 * difference, a gap, a sum of the flow identity) stays hidden. So every guarantee of the
 * protection holds as it did, figure by figure; only figures that protected nothing are shown.
 * Returns the figures as shown.
 */
export function dropRedundantComplements(
  values: number[],
  isCount: boolean[],
  relations: Relation[],
  shown: ShownCount[],
  candidates: number[],
  neverShown: ReadonlySet<number>,
  smallOrZero?: boolean[],
): ShownCount[] {
  const mark: Array<SuppressionMark | null> = shown.map((s) => (s === SMALL_COUNT || s === COMPLEMENT ? s : null));
  const hiddenOf = (m: Array<SuppressionMark | null>) => m.map((x) => x !== null);
  // What the reader knows: the marks, with every figure they can work out exactly shown.
  const knownOf = (m: Array<SuppressionMark | null>, derived: number[]) => {
    const known = m.slice();
    for (const i of derived) known[i] = null;
    return known;
  };
  let system = new HiddenSystem(values, hiddenOf(mark), relations);
  let derivable = system.derivable();
  let domainsMark = knownOf(mark, derivable);
  let domains = feasibleDomains(values, domainsMark, relations, isCount, smallOrZero);
  if (!domains) return shown;
  const members = relations.map((r) => [...r.parts, r.total]);
  const byFigure: number[][] = values.map(() => []);
  members.forEach((ms, r) => {
    for (const i of ms) byFigure[i].push(r);
  });
  for (const t of candidates) {
    if (mark[t] !== COMPLEMENT || neverShown.has(t)) continue;
    const trial = mark.slice();
    trial[t] = null;
    // A relation left with one hidden "<5" gives it away: no need to solve the system to refuse.
    const lone = byFigure[t].some((r) => {
      const left = members[r].filter((i) => trial[i] !== null);
      return left.length === 1 && trial[left[0]] === SMALL_COUNT;
    });
    if (lone) continue;
    // The system of `mark` with t shown (HiddenSystem.showing: no elimination again).
    const shownSystem = system.showing(t);
    const derived = shownSystem.derivable();
    const before = new Set(derivable);
    const fresh = derived.filter((i) => !before.has(i));
    // A "<5" worked out exactly refuses it, never-shown or not (a gap of 1-4 between two shown
    // denominators), as in showTotalsWhereSafe. A "c" the reader can now work out is shown with
    // it (figures of the flow identity tied a year apart: the organisation's children looked
    // after, shown at one quarter end, give it at the others): the reader has it either way.
    if (fresh.some((i) => trial[i] === SMALL_COUNT)) continue;
    for (const i of fresh) if (!neverShown.has(i)) trial[i] = null;
    // A trial shows what the reader has now and more (its derivable figures include these):
    // worked out from the current domains (feasibleDomains' warm start).
    const nextMark = knownOf(trial, derived);
    const next = feasibleDomains(values, nextMark, relations, isCount, smallOrZero, { mark: domainsMark, domains });
    const was = domains;
    if (!next || !trial.every((m, i) => m !== SMALL_COUNT || sameDomain(next[i], was[i]))) continue;
    mark[t] = null;
    derivable = derived;
    domains = next;
    domainsMark = nextMark;
    system = shownSystem;
  }
  return values.map((v, i) => mark[i] ?? Math.round(v));
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
    // The organisation's spend is of the teams with a budget alone (its outsideBudget says what
    // it leaves out), so those teams' young people add up to a second total, shown with it: a
    // budgeted team's hidden spend must not be the organisation's less the other budgeted teams'.
    const org = cells[cells.length - 1];
    const budgeted = cells.slice(0, -2).flatMap((c, i) => (c.denominator > 0 ? [i] : []));
    // Protected by the children the money is made of (Cell.contributors: spend above £0, issue 17
    // second review, finding 1), and a figure one child dominates (Cell.dominated, the p% rule)
    // is withheld as a small count is, with its complements.
    const made = (c: Cell) => c.contributors ?? c.people;
    const values = [...cells.map(made), ...(org.outsideBudget ? [made(org) - (org.outsideBudget.contributors ?? org.outsideBudget.people)] : [])];
    const relations = [teamRelation(0, cells.length), ...(org.outsideBudget ? [{ parts: budgeted, total: cells.length }] : [])];
    // The organisation's figure is the budgeted teams' (the last value when outsideBudget is set).
    const smallOrZero = [...cells.map((c, i) => (i === cells.length - 1 && org.outsideBudget ? false : c.dominated === true)), ...(org.outsideBudget ? [org.dominated === true] : [])];
    const guarded = protectCounts({ values, relations, smallOrZero });
    const people = guarded.slice(0, cells.length).map((s, i) => (i === cells.length - 1 && typeof guarded[cells.length] === 'string' ? guarded[cells.length] : s));
    // Unpriced children are a count of children like any other (review finding 4).
    const unpriced = shield(cells.map((c) => c.unpriced ?? 0));
    return cells.map((c, i) => {
      const hidden = typeof people[i] === 'string';
      return toCellDto(result, c, hidden ? null : money(c.numerator), c.denominator > 0 ? money(c.denominator) : null, hidden, unpriced[i]);
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
 * protected (board) or in full. `asOf`: the day the results were computed at (the now view's
 * year's end), so a now view on a quarter end is protected as that quarter. Pure, so the
 * disclosure property can be tested without a database.
 */
export function shownCells(results: MeasureResult[], protect: boolean, asOf?: string): Map<string, { now: CellDto[]; trend: CellDto[][] }> {
  const setOf = (r: { teams: Cell[]; unassigned: Cell; organisation: Cell }) => [...r.teams, r.unassigned, r.organisation];
  type Joint = { numerators: ShownCount[]; denominators?: ShownCount[] };
  const joint = new Map<string, Joint>();
  const without = results.find((r) => r.definition.id === 'without_key_worker');
  const caseload = results.find((r) => r.definition.id === 'caseload_per_key_worker');
  if (protect && without && caseload) {
    const w = protectWorkforce(setOf(without), setOf(caseload));
    // A group of no young people shown as such (n = 0): its other three counts can only be 0
    // (w ≤ n; children with a key worker k = n − w; key workers ≤ k), so marks there withhold
    // nothing and read as hidden figures ("c of 0", review of 2 December, finding 4).
    w.withoutDenominator.forEach((n, i) => {
      if (n !== 0) return;
      w.withoutNumerator[i] = 0;
      w.caseloadNumerator[i] = 0;
      w.caseloadDenominator[i] = 0;
    });
    joint.set(without.definition.id, { numerators: w.withoutNumerator, denominators: w.withoutDenominator });
    joint.set(caseload.definition.id, { numerators: w.caseloadNumerator, denominators: w.caseloadDenominator });
  }
  // The shares with nested denominators and the three measures of the flow identity, protected
  // together over every view at once: protectLinkedViews, the views a year apart tied by the
  // flow identity (FLOW_MEASURES).
  const flowIds: readonly string[] = [FLOW_MEASURES.stock, FLOW_MEASURES.inflow, FLOW_MEASURES.outflow];
  const linked = results.filter((r) => r.definition.kind === 'count' && (NESTED_DENOMINATORS.some((pair) => pair.includes(r.definition.id)) || flowIds.includes(r.definition.id)));
  const pairs = NESTED_DENOMINATORS.map(([o, i]) => [linked.findIndex((r) => r.definition.id === o), linked.findIndex((r) => r.definition.id === i)] as const).filter(
    ([o, i]) => o >= 0 && i >= 0,
  );
  const trendJoint = new Map<string, Joint[]>();
  if (protect && linked.length > 0) {
    const quarters = Math.min(...linked.map((r) => r.trend.length));
    const views = Array.from({ length: quarters }, (_, q) => linked.map((r) => setOf(r.trend[q])));
    // The now view read on a quarter end is that quarter's view (the same year, the same
    // figures): it is protected once, as that quarter, so the two cannot disagree. Otherwise its
    // year starts the day after a date no view shows, and it is a view of its own (protected
    // alone: a quarter's marks, set with the quarters a year away, are not the now view's).
    // Without `asOf`, the now view is taken for the last quarter when their figures agree.
    const nowView = linked.map((r) => setOf(r));
    const sameFigures = (a: Cell[][], b: Cell[][]) => a.every((cells, k) => cells.every((c, i) => c.numerator === b[k][i].numerator && c.denominator === b[k][i].denominator));
    const isLastQuarter = quarters > 0 && (asOf !== undefined ? linked[0].trend[quarters - 1].quarterEnd === asOf : sameFigures(nowView, views[quarters - 1]));
    const nowIndex = isLastQuarter ? quarters - 1 : views.push(nowView) - 1;
    const share = (id: string) => linked.findIndex((r) => r.definition.id === id);
    const [stock, inflow, outflow] = [share(FLOW_MEASURES.stock), share(FLOW_MEASURES.inflow), share(FLOW_MEASURES.outflow)];
    const flows: FlowLink[] = [];
    if (stock >= 0 && inflow >= 0 && outflow >= 0) {
      const day = (q: number) => linked[stock].trend[q].quarterEnd;
      for (let end = 0; end < quarters; end++) {
        for (let start = 0; start < end; start++) if (day(start) === monthsBefore(day(end), 12)) flows.push({ startView: start, endView: end, stock, inflow, outflow });
      }
    }
    const shown = protectLinkedViews(views, pairs, flows);
    shown[nowIndex].forEach((s, k) => {
      joint.set(linked[k].definition.id, s);
    });
    for (let q = 0; q < quarters; q++) {
      shown[q].forEach((s, k) => {
        const list = trendJoint.get(linked[k].definition.id) ?? [];
        list.push(s);
        trendJoint.set(linked[k].definition.id, list);
      });
    }
  }
  return new Map(
    results.map((r) => [
      r.definition.id,
      {
        now: cellsOf(r, setOf(r), protect, joint.get(r.definition.id)),
        trend: r.trend.map((q, k) => cellsOf(r, setOf(q), protect, trendJoint.get(r.definition.id)?.[k])),
      },
    ]),
  );
}

/** Quarter ends (MM-DD) the protected scorecard may be read at. */
const QUARTER_ENDS = ['03-31', '06-30', '09-30', '12-31'];

/**
 * The quarter ends a role without individual access can read: the last 12 on or before today
 * (three years, as many as the scorecard's longest trend). They are protected as one set and
 * every answer is a slice of it (scorecardCells); an asOf before them is refused (400), and a
 * trend reaching back before them starts at the first of them.
 */
export const BOARD_QUARTERS = 12;

/** The quarter ends the board can read on `today` (YYYY-MM-DD), oldest first (BOARD_QUARTERS of them). */
export function boardQuarterEnds(today: string): string[] {
  return quarterEnds(latestQuarterEnd(today), BOARD_QUARTERS);
}

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

/**
 * Every measure as the answer shows it: the computed result (its trend the last `quarters`
 * quarter ends on or before asOf, oldest first) and its cells now and at each of those quarter
 * ends (teams…, no team, organisation), protected when `protect` is set.
 *
 * Protected and read on a quarter end (the board's only way in), the quarterly measures are
 * protected once for every answer the board can read that day: the last BOARD_QUARTERS quarter
 * ends on or before `today` (boardQuarterEnds), as one set (shownCells, the flow identity across
 * years included), and the answer is a slice of it: the quarters on or before asOf, the last
 * `quarters` of them, none before the set (so the trend can be shorter than asked); the now view
 * is asOf's quarter. So a quarter's figures are the same in every answer read on a day, whatever
 * asOf and quarters are asked for (issue 17 review: a team's "<5" was worked out from figures of
 * answers for different quarters, each protected on its own). When a new quarter end passes, the
 * set moves on a quarter and is protected again: an earlier quarter's marks can then change (the
 * README, "Small numbers", says so). Spend's quarters are in the set too (each quarter's cells read
 * and protected as the now cell is, vector by vector, so a quarter's spend is the same in every
 * answer); the snapshot measures (key workers) are of asOf, each protected alone as before. In
 * full, or protected on a day outside the set (callers refuse it),
 * only the quarters asked for are computed. `today` (YYYY-MM-DD) defaults to asOf.
 * Pure (no database), for the API and the tests.
 */
export function scorecardCells(input: {
  people: ScorecardPerson[];
  teams: Parameters<typeof computeScorecard>[0]['teams'];
  thresholds: Map<string, Thresholds>;
  asOf: string;
  quarters: number;
  protect: boolean;
  today?: string;
  /** Where the recorded history starts (computeScorecard's); absent: historyStart(people), found once for the answer's computations. */
  historyStart?: string | null;
}): Array<{ result: MeasureResult; now: CellDto[]; trend: CellDto[][] }> {
  const start = input.historyStart === undefined ? historyStart(input.people) : input.historyStart;
  const args = { people: input.people, teams: input.teams, thresholds: input.thresholds, historyStart: start };
  const window = boardQuarterEnds(input.today ?? input.asOf);
  if (!input.protect || !window.includes(input.asOf)) {
    const results = computeScorecard({ ...args, asOf: input.asOf, quarters: input.quarters });
    const shown = shownCells(results, input.protect, input.asOf);
    return results.map((result) => ({ result, ...(shown.get(result.definition.id) as { now: CellDto[]; trend: CellDto[][] }) }));
  }
  const end = window[window.length - 1];
  const all = computeScorecard({ ...args, asOf: end, quarters: window.length });
  const shownAll = shownCells(all, true, end);
  // The answer's own quarters: those of the set on or before asOf, the last `quarters`.
  const upTo = window.indexOf(input.asOf);
  const from = Math.max(0, upTo + 1 - input.quarters);
  // The snapshot measures (key workers) are of asOf itself; no quarter is computed for
  // them (quarters: 0), and the quarterly measures come from the set's one computation, so the
  // figures and the marks of an answer are of the same run.
  const atAsOf = computeScorecard({ ...args, asOf: input.asOf, quarters: 0 });
  const snapshots = shownCells(
    atAsOf.filter((_, k) => all[k].trend.length === 0),
    true,
    input.asOf,
  );
  return all.map((whole, k) => {
    const id = whole.definition.id;
    if (whole.trend.length === 0) {
      const result = atAsOf[k];
      return { result, ...(snapshots.get(id) as { now: CellDto[]; trend: CellDto[][] }) };
    }
    const cells = shownAll.get(id) as { now: CellDto[]; trend: CellDto[][] };
    // The now view read on a quarter end is that quarter's view (computeScorecard computes both
    // with yearEnding of the same day), so it is the window's entry at asOf: all's trend is the
    // window, oldest first, so that is entry upTo.
    const quarter = whole.trend[upTo];
    const result: MeasureResult = { ...whole, organisation: quarter.organisation, teams: quarter.teams, unassigned: quarter.unassigned, trend: whole.trend.slice(from, upTo + 1) };
    return { result, now: cells.trend[upTo], trend: cells.trend.slice(from, upTo + 1) };
  });
}

export interface ScorecardOptions {
  asOf: string;
  quarters: number;
  /** Apply the disclosure rule (roles without individual access). */
  protect: boolean;
  /** Only this team's cells (the team view). */
  teamId?: string;
  /** The day the answer is read (YYYY-MM-DD; default: today): protected, the quarters are protected as one set up to its latest quarter end (scorecardCells). */
  today?: string;
  /** The borough's "records complete from" day (YYYY-MM-DD; config RECORDS_COMPLETE_FROM), or null: worked out from the closures (historyStart). */
  recordsCompleteFrom?: string | null;
}

/** Options of one answer: `today` resolved (YYYY-MM-DD), as the cache keys it and the worker reads it. */
export type ScorecardAnswerOptions = Omit<ScorecardOptions, 'today'> & { today: string };

/** Where the board's protection runs: src/services/offload.ts (a worker thread, or this one). */
export interface ScorecardCompute {
  scorecard(data: ScorecardData, options: ScorecardAnswerOptions): Promise<ScorecardAnswer>;
}

export type ScorecardAnswer = ReturnType<typeof scorecardAnswer>;

/**
 * The scorecard's answer from the data read (loadScorecardData): pure, no database, so it runs
 * on the worker thread (the board's protection is seconds of CPU with a team of a few children).
 */
export function scorecardAnswer(data: ScorecardData, options: ScorecardAnswerOptions) {
  const teams = data.teams;
  const people = peopleOf(data, options.asOf);
  // A UUID in any case names the same team (the database answers ids in lower case).
  const teamId = options.teamId?.toLowerCase();
  const keep = (i: number) => teamId === undefined || teams[i].id === teamId;
  const start = historyStart(people, options.recordsCompleteFrom ?? null);
  const shownMeasures = scorecardCells({
    people,
    teams,
    thresholds: new Map(data.thresholds),
    asOf: options.asOf,
    quarters: options.quarters,
    protect: options.protect,
    today: options.today,
    historyStart: start,
  });
  const measures = shownMeasures.map(({ result: r, now, trend }) => {
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
    // Where the recorded history starts: trend cells whose window begins before it carry no figure (CellDto.status).
    historyStart: start,
    disclosure: options.protect ? 'protected' : 'full',
    note: options.protect ? `${DISCLOSURE_NOTE.replace(/ Counts are means.*$/, '')} Shares, colours and money are withheld where a count behind them is hidden (${COMPLEMENT} or <5).` : 'Every figure as counted.',
    teams: teams.filter((_, i) => keep(i)).map((t) => ({ id: t.id, name: t.name, service: t.service, annualBudget: t.annualBudget })),
    groups: SCORECARD_GROUPS.map((g) => ({ id: g, label: GROUP_LABELS[g], measures: measures.filter((m) => m.group === g) })),
  };
}

/**
 * The board's answers already worked out, by database (a test's or the service's) and by key:
 * a SHA-256 digest of everything the answer is computed from (the data read, as read, and the
 * options, `today` included), so an answer is served again only for exactly the data it was
 * computed from: any change to a record, an episode, a team or a target changes the key, and an
 * erased record drops out of what is read. Reading the data is a few tens of milliseconds; the
 * protection it saves is seconds. At most BOARD_CACHE_SIZE answers per database, the least
 * recently read dropped first; a read waiting on the same key shares the computation.
 */
const boardCache = new WeakMap<Kysely<Database>, Map<string, Promise<ScorecardAnswer>>>();
const BOARD_CACHE_SIZE = 16;

/** Drops the board's cached answers for `db`: the bench (src/bench/scorecard-board.ts) times the computation itself. */
export function forgetBoardAnswers(db: Kysely<Database>): void {
  boardCache.delete(db);
}

function boardCacheKey(data: ScorecardData, options: ScorecardAnswerOptions): string {
  // Every option the answer reads: recordsCompleteFrom moves the history's start.
  const key = { asOf: options.asOf, quarters: options.quarters, today: options.today, teamId: options.teamId?.toLowerCase() ?? null, recordsCompleteFrom: options.recordsCompleteFrom ?? null, data };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

/**
 * The scorecard as the API answers it. `compute`: where scorecardAnswer runs (the service's
 * worker thread); absent, on this thread. Protected answers (the board's, the pack's) are cached
 * by the data they are computed from (boardCache); each caller gets its own copy.
 * Throws NotFoundError (404) for an unknown teamId.
 */
export async function getScorecard(db: Kysely<Database>, options: ScorecardOptions, compute?: ScorecardCompute): Promise<ScorecardAnswer> {
  if (options.teamId !== undefined && !(await findTeamById(db, options.teamId))) throw new NotFoundError('Team', options.teamId);
  const data = await loadScorecardData(db);
  const resolved: ScorecardAnswerOptions = { ...options, today: options.today ?? new Date().toISOString().slice(0, 10) };
  const run = () => (compute ? compute.scorecard(data, resolved) : Promise.resolve().then(() => scorecardAnswer(data, resolved)));
  if (!options.protect) return run();
  let cache = boardCache.get(db);
  if (!cache) {
    cache = new Map();
    boardCache.set(db, cache);
  }
  const key = boardCacheKey(data, resolved);
  let answer = cache.get(key);
  if (answer) {
    cache.delete(key);
  } else {
    answer = run();
    const own = answer;
    // A failed computation is not kept.
    own.catch(() => {
      if (cache.get(key) === own) cache.delete(key);
    });
  }
  cache.set(key, answer);
  while (cache.size > BOARD_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return structuredClone(await answer);
}
