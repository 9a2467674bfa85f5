import type { Kysely } from 'kysely';
import { AGENCIES, type Agency, DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { daysByFinancialYear, financialYearLabel } from '../finance/financial-year.ts';
import { roundAnswer, toPence } from '../finance/money.ts';
import type { PathwayBudgetDto } from '../schemas/care-plans.ts';
import type { ServiceInPlaceDto } from '../schemas/young-people.ts';
import { findPlanSubject, type PlanSubject } from './care-plans.ts';
import { isoDay } from './young-people.ts';

/**
 * The immediate budget: what today's package commits over the next 12 months, straight from
 * the record, with no simulation. The window runs from `asOf` (today by default) to the same
 * date a year later. The placement costs, for each day from the later of the window's start and
 * the placement's start until it ends, a seventh of the weekly price in force that day (its
 * start price, then each dated price change: history and scheduled uplifts), booked to
 * children's social care (the authority pays for the placements it makes, whoever provides
 * them). A children's placement ends on the 18th birthday (placements for under-18s; the
 * birthday is taken as the 1st of the birth month, as ages are everywhere else, since the day
 * of birth is never stored). Each service costs its weekly cost in force each day it runs
 * within the window, from its start date to its end date inclusive (open-ended services run to
 * the end of the window), booked to its funding agency. Each line (one item at one price) is
 * split by financial year (April to March) and rounded to the penny there; every total is the
 * sum of those rounded pennies, so the figures reconcile exactly. Projections use the same
 * conventions (days ÷ 7, a part month pro rata, the same dated prices), so a fixed plan's first
 * financial year in a projection equals this budget's.
 */
export const BUDGET_METHOD =
  'Next 12 months from asOf. Placement: the weekly price in force each day (start price, then dated price changes) × days in the window ÷ 7, to children’s social care, ending on the 18th birthday (1st of the birth month) for children’s placements. Services: weekly cost in force × days running in the window (start to end date inclusive) ÷ 7, to the funding agency. Split by financial year (April to March), rounded to the penny per line and year; totals are sums of the rounded figures. Cash at the prices charged (not discounted, not converted to a price base).';

/**
 * The budget's money statement. It is a cash budget (what will be paid): prices as charged in
 * each financial year, no deflator (factor 1), no discounting. A projection with priceBase
 * "current" states its first year in the same year's prices, so for a plan at actual prices the
 * two agree there; with priceBase "model" the projection's actual prices are deflated instead.
 */
export const BUDGET_MONEY = {
  currency: 'GBP' as const,
  priceBase: 'cash' as const,
  deflatorFactor: 1 as const,
  discountRate: null,
  basis: 'cash' as const,
  statement: 'GBP cash at the prices charged in each financial year: not converted to a price base (deflator factor 1), not discounted.',
};

const DAY_MS = 86_400_000;

interface Line {
  kind: 'placement' | 'service';
  name: string;
  agency: Agency;
  weeklyCost: number;
  /** Inclusive first day, exclusive end. */
  start: number;
  end: number;
}

function utcDay(text: string): number {
  const [year, month, day] = text.split('-').map(Number);
  return Date.UTC(year, month - 1, day);
}

/** The same calendar date a year on (29 February goes to 1 March). */
function aYearLater(day: number): number {
  const date = new Date(day);
  return Date.UTC(date.getUTCFullYear() + 1, date.getUTCMonth(), date.getUTCDate());
}

const pounds = (pennies: number) => pennies / 100;

/** A weekly amount that changes on dated days: [from, price) pieces, sorted by date. */
export interface DatedPrice {
  /** First day (UTC ms) the price applies. */
  from: number;
  weekly: number;
}

/** Splits [start, end) into pieces at each price change, each at the price in force. */
export function pricePieces(prices: readonly DatedPrice[], start: number, end: number): Array<{ start: number; end: number; weekly: number }> {
  const out: Array<{ start: number; end: number; weekly: number }> = [];
  prices.forEach((price, k) => {
    const next = k + 1 < prices.length ? prices[k + 1].from : Number.POSITIVE_INFINITY;
    const from = Math.max(start, price.from);
    const to = Math.min(end, next);
    if (to > from) out.push({ start: from, end: to, weekly: price.weekly });
  });
  return out;
}

/** The dated prices of a placement: its start price from startDate, then each change. */
export function placementPrices(placement: { weeklyPrice: number; startDate: string; priceChanges?: Array<{ from: string; weeklyPrice: number }> | undefined }): DatedPrice[] {
  return [{ from: utcDay(placement.startDate), weekly: placement.weeklyPrice }, ...(placement.priceChanges ?? []).map((c) => ({ from: utcDay(c.from), weekly: c.weeklyPrice }))];
}

export function servicePrices(service: ServiceInPlaceDto): DatedPrice[] {
  return [{ from: utcDay(service.startDate), weekly: service.weeklyCost }, ...(service.costChanges ?? []).map((c) => ({ from: utcDay(c.from), weekly: c.weeklyCost }))];
}

const childPlacementEndsAt = new Map(DEFAULT_CARE_STATES.filter((s) => s.placement && s.maxAgeYears !== undefined).map((s) => [s.id, s.maxAgeYears as number]));

/** Pure: the budget of a record's placement and services over the 12 months from `asOf`. */
export function immediateBudget(
  record: {
    birthYear?: number;
    birthMonth?: number;
    placement: { type: string; weeklyPrice: number; startDate: string; priceChanges?: Array<{ from: string; weeklyPrice: number }> | undefined } | null;
    services: ServiceInPlaceDto[];
  },
  asOf: Date,
): Omit<PathwayBudgetDto, 'youngPersonId'> {
  const from = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  const to = aYearLater(from);
  const candidates: Line[] = [];
  if (record.placement) {
    const placement = record.placement;
    const leavesAt = childPlacementEndsAt.get(placement.type);
    // Leaving care: a children's placement stops on the birthday its state ends at (18).
    const placementEnd =
      leavesAt !== undefined && record.birthYear !== undefined && record.birthMonth !== undefined ? Math.min(to, Date.UTC(record.birthYear + leavesAt, record.birthMonth - 1, 1)) : to;
    for (const piece of pricePieces(placementPrices(placement), Math.max(from, utcDay(placement.startDate)), placementEnd)) {
      candidates.push({ kind: 'placement', name: placement.type, agency: 'childrens_social_care', weeklyCost: piece.weekly, start: piece.start, end: piece.end });
    }
  }
  for (const service of record.services) {
    const end = service.endDate === undefined ? to : Math.min(to, utcDay(service.endDate) + DAY_MS);
    for (const piece of pricePieces(servicePrices(service), Math.max(from, utcDay(service.startDate)), end)) {
      candidates.push({ kind: 'service', name: service.name, agency: service.fundingAgency, weeklyCost: piece.weekly, start: piece.start, end: piece.end });
    }
  }

  const byAgency = new Map<Agency, number>();
  const byYear = new Map<number, Map<Agency, number>>();
  const add = (agency: Agency, year: number, pennies: number) => {
    byAgency.set(agency, (byAgency.get(agency) ?? 0) + pennies);
    const yearMap = byYear.get(year) ?? new Map<Agency, number>();
    yearMap.set(agency, (yearMap.get(agency) ?? 0) + pennies);
    byYear.set(year, yearMap);
  };

  const lines = candidates
    .filter((line) => line.end > line.start)
    .map((line) => {
      const years = [...daysByFinancialYear(new Date(line.start), new Date(line.end))].sort((a, b) => a[0] - b[0]);
      let linePennies = 0;
      const split = years.map(([year, days]) => {
        // Whole pence of the weekly price (refused otherwise) × days ÷ 7, rounded once.
        const pennies = Math.round((toPence(line.weeklyCost) * days) / 7);
        linePennies += pennies;
        add(line.agency, year, pennies);
        return { financialYear: financialYearLabel(year), days, amount: pounds(pennies) };
      });
      return {
        kind: line.kind,
        name: line.name,
        agency: line.agency,
        weeklyCost: line.weeklyCost,
        from: isoDay(new Date(line.start)),
        until: isoDay(new Date(line.end - DAY_MS)),
        days: Math.round((line.end - line.start) / DAY_MS),
        amount: pounds(linePennies),
        byFinancialYear: split,
      };
    });

  const agencyList = (amounts: Map<Agency, number>) => AGENCIES.filter((a) => amounts.has(a)).map((agency) => ({ agency, amount: pounds(amounts.get(agency) as number) }));
  const total = [...byAgency.values()].reduce((sum, p) => sum + p, 0);
  return {
    from: isoDay(new Date(from)),
    until: isoDay(new Date(to - DAY_MS)),
    days: Math.round((to - from) / DAY_MS),
    total: pounds(total),
    byAgency: agencyList(byAgency),
    byFinancialYear: [...byYear.keys()]
      .sort((a, b) => a - b)
      .map((year) => {
        const amounts = byYear.get(year) as Map<Agency, number>;
        return { financialYear: financialYearLabel(year), amount: pounds([...amounts.values()].reduce((s, p) => s + p, 0)), byAgency: agencyList(amounts) };
      }),
    lines,
    method: BUDGET_METHOD,
    money: BUDGET_MONEY,
  };
}

export async function getPathwayBudget(db: Kysely<Database>, youngPersonId: string, asOf: Date): Promise<PathwayBudgetDto> {
  const subject: PlanSubject = await findPlanSubject(db, youngPersonId);
  // The budget is whole pence by construction; the same edge rounding as every money answer.
  return roundAnswer({
    youngPersonId,
    ...immediateBudget({ birthYear: subject.birthYear, birthMonth: subject.birthMonth, placement: subject.placement, services: subject.services as ServiceInPlaceDto[] }, asOf),
  });
}
