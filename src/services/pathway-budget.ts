import type { Kysely } from 'kysely';
import { AGENCIES, type Agency } from '../catalog/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { daysByFinancialYear, financialYearLabel } from '../finance/financial-year.ts';
import type { PathwayBudgetDto } from '../schemas/care-plans.ts';
import type { ServiceInPlaceDto } from '../schemas/young-people.ts';
import { findPlanSubject, type PlanSubject } from './care-plans.ts';
import { isoDay } from './young-people.ts';

/**
 * The immediate budget: what today's package commits over the next 12 months, straight from
 * the record, with no simulation. The window runs from `asOf` (today by default) to the same
 * date a year later. The placement costs its actual weekly price for each day from the later of
 * the window's start and the placement's start, booked to children's social care (the
 * authority pays for the placements it makes, whoever provides them). Each service costs its
 * weekly cost for each day it runs within the window, from its start date to its end date
 * inclusive (open-ended services run to the end of the window), booked to its funding agency.
 * A day costs a seventh of the weekly price. Each line is split by financial year (April to
 * March) and rounded to the penny there; every total is the sum of those rounded pennies, so
 * the figures reconcile exactly.
 */
export const BUDGET_METHOD =
  'Next 12 months from asOf. Placement: actual weekly price × days in the window ÷ 7, to children’s social care. Services: weekly cost × days running in the window (start to end date inclusive) ÷ 7, to the funding agency. Split by financial year (April to March), rounded to the penny per line and year; totals are sums of the rounded figures.';

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

/** Pure: the budget of a record's placement and services over the 12 months from `asOf`. */
export function immediateBudget(
  record: { placement: { type: string; weeklyPrice: number; startDate: string } | null; services: ServiceInPlaceDto[] },
  asOf: Date,
): Omit<PathwayBudgetDto, 'youngPersonId'> {
  const from = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  const to = aYearLater(from);
  const candidates: Line[] = [];
  if (record.placement) {
    candidates.push({
      kind: 'placement',
      name: record.placement.type,
      agency: 'childrens_social_care',
      weeklyCost: record.placement.weeklyPrice,
      start: Math.max(from, utcDay(record.placement.startDate)),
      end: to,
    });
  }
  for (const service of record.services) {
    candidates.push({
      kind: 'service',
      name: service.name,
      agency: service.fundingAgency,
      weeklyCost: service.weeklyCost,
      start: Math.max(from, utcDay(service.startDate)),
      end: service.endDate === undefined ? to : Math.min(to, utcDay(service.endDate) + DAY_MS),
    });
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
        const pennies = Math.round((line.weeklyCost * 100 * days) / 7);
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
  };
}

export async function getPathwayBudget(db: Kysely<Database>, youngPersonId: string, asOf: Date): Promise<PathwayBudgetDto> {
  const subject: PlanSubject = await findPlanSubject(db, youngPersonId);
  return { youngPersonId, ...immediateBudget({ placement: subject.placement, services: subject.services as ServiceInPlaceDto[] }, asOf) };
}
