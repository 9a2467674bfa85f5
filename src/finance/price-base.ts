/**
 * Price bases (HM Treasury Green Book, "real prices of a base year"; general inflation removed
 * with the GDP deflator). A model states its costs in the real prices of its base financial year
 * and carries a deflator index per financial year from that year on. Actual prices (a
 * placement's weekly price, its dated changes, agreed prices) are cash of the financial year in
 * which they are paid, so:
 *
 * - price base "model" (the default): a price paid in year y is converted to base-year prices as
 *   price × index(base) / index(y);
 * - price base "current": the model's unit, event and intervention costs are uprated to the
 *   current financial year's prices by index(current) / index(base), and actual prices are used
 *   as they are. Discounting is then still of real figures, at the same rates.
 *
 * Beyond the last year of the index the last year's index is held (no inflation is assumed past
 * the forecast): a cash price held flat beyond that year stays flat in real terms too.
 */

export type PriceBase = 'model' | 'current';

export const PRICE_BASES: readonly PriceBase[] = ['model', 'current'];

/** A model's deflator: financial year ("2024-25") → index, consecutive years from the base year. */
export interface DeflatorTable {
  index: ReadonlyArray<{ financialYear: string; index: number }>;
}

/** "2026-27" → 2026 (the calendar year the financial year starts in). */
export function financialYearStartOf(label: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  if (!match) throw new RangeError(`not a financial year: ${label}`);
  return Number(match[1]);
}

/**
 * The index of the financial year starting in April of `startYear`. After the last year of the
 * table: the last year's index, held. Before the first (a projection starting before the model's
 * base year): the first year's index, held, so such years are taken as base-year prices.
 */
export function deflatorIndexOf(table: DeflatorTable, startYear: number): number {
  const rows = table.index;
  if (rows.length === 0) throw new RangeError('the model has no deflator');
  const k = startYear - financialYearStartOf(rows[0].financialYear);
  return rows[Math.max(0, Math.min(k, rows.length - 1))].index;
}

/** The last financial year the index covers (later years hold its index). */
export function lastIndexedYear(table: DeflatorTable): string {
  return table.index[table.index.length - 1].financialYear;
}

/**
 * Factor converting cash of the financial year starting in `cashYear` to `baseYear`'s prices:
 * index(base) / index(cashYear). 1 when the years are the same.
 */
export function toBaseFactor(table: DeflatorTable, baseYear: string, cashYear: number): number {
  return deflatorIndexOf(table, financialYearStartOf(baseYear)) / deflatorIndexOf(table, cashYear);
}

/**
 * A dated weekly price (a base price, then changes on dated days) converted to base-year prices:
 * within each financial year the factor is constant, so the converted price is the same schedule
 * with a change added on each 1 April from the start (the factor changes there) and each price ×
 * that year's factor. `start` (YYYY-MM-DD) is the first day charged; `toYear` the start year of
 * the last financial year charged. Feeding the result to weeklyPriceByFinancialYear gives each
 * year's day-weighted price × that year's factor, exactly.
 */
export function deflateDatedPrice(
  basePrice: number,
  changes: ReadonlyArray<{ from: string; weeklyPrice: number }>,
  start: string,
  toYear: number,
  factorOfYear: (startYear: number) => number,
): { weeklyPrice: number; changes: Array<{ from: string; weeklyPrice: number }> } {
  const fyOf = (date: string) => {
    const [y, m] = date.split('-').map(Number);
    return m >= 4 ? y : y - 1;
  };
  const priceOn = (date: string) => {
    let price = basePrice;
    for (const c of changes) if (c.from <= date) price = c.weeklyPrice;
    return price;
  };
  const firstYear = fyOf(start);
  const dates = new Set<string>();
  for (const c of changes) if (c.from > start) dates.add(c.from);
  for (let y = firstYear + 1; y <= toYear; y++) dates.add(`${y}-04-01`);
  const out = [...dates].sort().map((from) => ({ from, weeklyPrice: priceOn(from) * factorOfYear(fyOf(from)) }));
  return { weeklyPrice: priceOn(start) * factorOfYear(firstYear), changes: out };
}
