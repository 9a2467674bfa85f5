import type { Kysely } from 'kysely';
import { DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { COMPLEMENT, protectCounts, type ShownCount, SMALL_COUNT } from '../export/disclosure.ts';
import { financialYearLabel } from '../finance/financial-year.ts';
import { toPence } from '../finance/money.ts';
import type { ServiceInPlaceDto } from '../schemas/young-people.ts';
import { placementPrices, pricePieces, servicePrices } from './pathway-budget.ts';

/**
 * The borough at a glance: children in each placement type, and what their placements and
 * services commit, month by month. Read from the records as stored today (no simulation), with
 * the pathway budget's conventions (src/services/pathway-budget.ts): a placement costs a seventh
 * of the weekly price in force for each day of the month it runs (its start price, then dated
 * price changes), ending on the 18th birthday (the 1st of the birth month) for children's
 * placements; a service its weekly cost for each day it runs (start to end date inclusive).
 * Each child's month is rounded to the penny, and a type's month is the sum of its children's.
 *
 * A child counts in a month when their current placement runs on at least one day of it (a
 * closed case's placement ran to the day before it closed). Only
 * today's placement is stored (earlier placements are not), so months before a placement began
 * do not count that child anywhere: months in the past undercount, and the page says so.
 */

export const BOROUGH_METHOD =
  'From the records as stored today. A child counts in a month when their current placement runs on at least one day of it; earlier placements are not stored, so past months show only today’s placements. Placement spend: the weekly price in force each day × days ÷ 7, ending on the 18th birthday (1st of the birth month) for children’s placements. Services: the weekly cost of the services of children in that placement type, for each day they run. Cash at the prices charged, rounded to the penny per child and month.';

export const PLACEMENT_TYPES = DEFAULT_CARE_STATES.filter((s) => s.placement).map((s) => ({ type: s.id, label: s.label }));
const childPlacementEndsAt = new Map(DEFAULT_CARE_STATES.filter((s) => s.placement && s.maxAgeYears !== undefined).map((s) => [s.id, s.maxAgeYears as number]));

const DAY_MS = 86_400_000;

export interface BoroughRecord {
  birthYear: number;
  birthMonth: number;
  placement: { type: string; weeklyPrice: number; startDate: string; priceChanges?: Array<{ from: string; weeklyPrice: number }> | undefined };
  services: ServiceInPlaceDto[];
  /** The day the case closed (YYYY-MM-DD), absent while open: the child counts in no month from that day. */
  closedOn?: string | undefined;
}

export interface BoroughCell {
  type: string;
  children: ShownCount;
  /** Pounds; null when withheld (a group of fewer than 5 children, for roles without individual access). */
  placementSpend: number | null;
  servicesSpend: number | null;
}

export interface BoroughMonth {
  /** YYYY-MM */
  month: string;
  /** April to March, e.g. 2026-27 */
  financialYear: string;
  byType: BoroughCell[];
  total: Omit<BoroughCell, 'type'>;
}

export interface BoroughAtAGlance {
  from: string;
  months: number;
  placementTypes: Array<{ type: string; label: string }>;
  byMonth: BoroughMonth[];
  disclosure: { applied: boolean; note: string };
  method: string;
}

function utcDay(text: string): number {
  const [year, month, day] = text.split('-').map(Number);
  return Date.UTC(year, month - 1, day);
}

const pennies = (weekly: number, start: number, end: number) => Math.round((toPence(weekly) * Math.round((end - start) / DAY_MS)) / 7);

/**
 * Pure: children and spend by placement type for `months` calendar months from `fromYear`-`fromMonth`
 * (month 1-12), every figure exact (no disclosure control; see protectBorough).
 */
export function boroughByMonth(records: readonly BoroughRecord[], fromYear: number, fromMonth: number, months: number): BoroughMonth[] {
  const out: BoroughMonth[] = [];
  for (let k = 0; k < months; k += 1) {
    const start = Date.UTC(fromYear, fromMonth - 1 + k, 1);
    const end = Date.UTC(fromYear, fromMonth + k, 1);
    const date = new Date(start);
    const cells = new Map(PLACEMENT_TYPES.map((p) => [p.type, { children: 0, placement: 0, services: 0 }]));
    for (const record of records) {
      const cell = cells.get(record.placement.type);
      if (!cell) continue;
      const leavesAt = childPlacementEndsAt.get(record.placement.type);
      const ageEnd = leavesAt === undefined ? end : Math.min(end, Date.UTC(record.birthYear + leavesAt, record.birthMonth - 1, 1));
      // A closed case's placement ended the day before it closed.
      const placementEnd = record.closedOn === undefined ? ageEnd : Math.min(ageEnd, utcDay(record.closedOn));
      const placementStart = Math.max(start, utcDay(record.placement.startDate));
      if (placementEnd <= placementStart) continue;
      cell.children += 1;
      for (const piece of pricePieces(placementPrices(record.placement), placementStart, placementEnd)) cell.placement += pennies(piece.weekly, piece.start, piece.end);
      for (const service of record.services) {
        // Services of a child placed this month, while the placement runs.
        const serviceEnd = service.endDate === undefined ? placementEnd : Math.min(placementEnd, utcDay(service.endDate) + DAY_MS);
        for (const piece of pricePieces(servicePrices(service), Math.max(placementStart, utcDay(service.startDate)), serviceEnd)) cell.services += pennies(piece.weekly, piece.start, piece.end);
      }
    }
    const byType = PLACEMENT_TYPES.map((p) => {
      const cell = cells.get(p.type) as { children: number; placement: number; services: number };
      return { type: p.type, children: cell.children as ShownCount, placementSpend: cell.placement / 100, servicesSpend: cell.services / 100 };
    });
    const sum = (pick: (c: (typeof byType)[number]) => number) => byType.reduce((s, c) => s + Math.round(pick(c) * 100), 0);
    out.push({
      month: `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`,
      financialYear: financialYearLabel(date.getUTCMonth() >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1),
      byType,
      total: { children: sum((c) => c.children as number) / 100, placementSpend: sum((c) => c.placementSpend as number) / 100, servicesSpend: sum((c) => c.servicesSpend as number) / 100 },
    });
  }
  return out;
}

/**
 * The disclosure rule for roles without individual access (src/export/disclosure.ts): in each
 * month the children by type and their total are protected together (under 5 reads "<5", and a
 * second figure "c" so none can be worked out from the total). A type whose count is hidden has
 * its money withheld (null): money for a group of fewer than 5 children is not shown. When any
 * type's money is withheld the month's total money is withheld too: otherwise the total less the
 * shown types would give the hidden groups' money (one group's, or a few children's together).
 */
export function protectBorough(months: readonly BoroughMonth[]): BoroughMonth[] {
  return months.map((m) => {
    const values = [...m.byType.map((c) => c.children as number), m.total.children as number];
    const shown = protectCounts({ values, relations: [{ parts: m.byType.map((_, k) => k), total: m.byType.length }] });
    const hidden = (s: ShownCount) => s === SMALL_COUNT || s === COMPLEMENT;
    const byType = m.byType.map((c, k) => (hidden(shown[k]) ? { type: c.type, children: shown[k], placementSpend: null, servicesSpend: null } : { ...c, children: shown[k] }));
    const hideTotalMoney = m.byType.some((_, k) => hidden(shown[k]));
    return {
      ...m,
      byType,
      total: {
        children: shown[m.byType.length],
        placementSpend: hideTotalMoney ? null : m.total.placementSpend,
        servicesSpend: hideTotalMoney ? null : m.total.servicesSpend,
      },
    };
  });
}

export const BOROUGH_DISCLOSURE_NOTE =
  'For roles without access to individual records: a count of 1 to 4 children reads "<5", and a second figure reads "c" where the total would give it away; the money of a hidden group is withheld (null), and so is the month’s total money whenever any group’s is.';

/** Reads every live record with a placement (of one team when `teamId` is given) and answers the view; `protect` applies the disclosure rule. */
export async function boroughAtAGlance(db: Kysely<Database>, fromYear: number, fromMonth: number, months: number, protect: boolean, teamId?: string): Promise<BoroughAtAGlance> {
  let query = db.selectFrom('young_people').select(['birth_year', 'birth_month', 'placement', 'services', 'closed_on']).where('erased_at', 'is', null).where('placement', 'is not', null);
  // Today's team: the view is of today's records, priced month by month.
  if (teamId !== undefined) query = query.where('team_id', '=', teamId);
  const rows = await query.execute();
  const records: BoroughRecord[] = rows
    .filter((r) => r.birth_month !== null && r.placement !== null)
    .map((r) => ({
      birthYear: r.birth_year,
      birthMonth: r.birth_month as number,
      placement: r.placement as unknown as BoroughRecord['placement'],
      services: r.services as unknown as ServiceInPlaceDto[],
      ...(r.closed_on !== null ? { closedOn: r.closed_on } : {}),
    }));
  const exact = boroughByMonth(records, fromYear, fromMonth, months);
  return {
    from: `${fromYear}-${String(fromMonth).padStart(2, '0')}`,
    months,
    placementTypes: PLACEMENT_TYPES,
    byMonth: protect ? protectBorough(exact) : exact,
    disclosure: { applied: protect, note: protect ? BOROUGH_DISCLOSURE_NOTE : 'Every figure as computed (a role with access to individual records).' },
    method: BOROUGH_METHOD,
  };
}
