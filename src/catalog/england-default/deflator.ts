/**
 * Uprating source figures to the model's price base with the GDP deflator, as the Green Book
 * asks (real prices of a base year; general inflation removed with the GDP deflator).
 *
 * The index is ONS series YBGB, "Gross domestic product at market prices: implied deflator,
 * seasonally adjusted" (2022 = 100), as released on 30 June 2025. Financial-year values are the
 * mean of the four quarters April to March, which is how HM Treasury's financial-year deflator
 * (ONS L8GG) is formed; quarterly values are rounded to one decimal place in the release, so the
 * financial-year means differ from HM Treasury's published table by well under 0.5%.
 *
 * 2024-25 is the latest complete financial year in that release, so it is the price base: no
 * forecast is needed. Moving to 2025-26 prices is one factor (the 2025-26 outturn over 2024-25)
 * once ONS publishes the 2025-26 quarters.
 */

export const DEFLATOR_SERIES = 'ONS YBGB, GDP implied deflator at market prices, seasonally adjusted, 2022 = 100 (release of 30 June 2025)';
export const DEFLATOR_URL = 'https://www.ons.gov.uk/economy/grossdomesticproductgdp/timeseries/ybgb/ukea';
export const PRICE_BASE_YEAR = '2024-25';

/** Quarterly values of YBGB, 2010 Q1 to 2025 Q1, transcribed from the ONS release. */
const QUARTERS: Record<number, [number, number, number, number]> = {
  2010: [77.0, 77.1, 77.3, 77.7],
  2011: [79.0, 78.5, 79.0, 79.5],
  2012: [79.8, 79.9, 80.3, 80.8],
  2013: [81.5, 81.6, 82.2, 82.3],
  2014: [82.6, 82.5, 83.5, 83.3],
  2015: [83.4, 83.2, 83.5, 83.9],
  2016: [84.4, 84.6, 85.5, 86.1],
  2017: [86.4, 86.5, 86.6, 87.4],
  2018: [87.5, 88.1, 88.6, 89.3],
  2019: [89.3, 90.2, 90.6, 91.1],
  2020: [91.9, 98.8, 94.9, 94.3],
  2021: [95.3, 93.9, 94.5, 95.6],
  2022: [97.0, 99.1, 100.7, 103.2],
  2023: [105.0, 106.8, 107.8, 108.0],
  2024: [109.3, 110.1, 112.1, 113.2],
  2025: [114.1, Number.NaN, Number.NaN, Number.NaN],
};

/** Calendar-year values of YBGB from the same release, for figures dated by calendar year. */
const CALENDAR_YEARS: Record<number, number> = {
  2012: 80.2,
  2019: 90.3,
  2020: 94.8,
  2021: 94.8,
  2022: 100.0,
  2023: 106.9,
  2024: 111.2,
};

/** Index for a financial year "2016-17" (mean of 2016 Q2-Q4 and 2017 Q1) or a calendar year "2023". */
export function deflatorIndex(period: string): number {
  const financial = /^(\d{4})-(\d{2})$/.exec(period);
  if (financial) {
    const year = Number(financial[1]);
    const [, q2, q3, q4] = QUARTERS[year] ?? [];
    const q1 = QUARTERS[year + 1]?.[0];
    const value = ((q2 ?? Number.NaN) + (q3 ?? Number.NaN) + (q4 ?? Number.NaN) + (q1 ?? Number.NaN)) / 4;
    if (!Number.isFinite(value)) throw new RangeError(`no complete deflator for financial year ${period}`);
    return value;
  }
  const value = CALENDAR_YEARS[Number(period)];
  if (value === undefined) throw new RangeError(`no deflator for ${period}`);
  return value;
}

/** The factor that brings prices of `period` to the price base year. */
export function upratingFactor(period: string): number {
  return deflatorIndex(PRICE_BASE_YEAR) / deflatorIndex(period);
}

/** Rounded to the penny for weekly and monthly figures, to the pound for larger ones. */
export function roundMoney(x: number): number {
  return Math.abs(x) >= 1000 ? Math.round(x) : Math.round(x * 100) / 100;
}

export interface Uprated {
  value: number;
  factor: number;
  /** "£646 (2016-17 prices) × 1.3120 (GDP deflator 112.375 / 85.650) = £847.57 in 2024-25 prices" */
  explanation: string;
}

/** "£54.70", "£331,375". */
export function formatPounds(x: number): string {
  const pence = Math.abs(x) < 1000 && !Number.isInteger(x);
  return `£${x.toLocaleString('en-GB', { minimumFractionDigits: pence ? 2 : 0, maximumFractionDigits: pence ? 2 : 0 })}`;
}

export function uprate(value: number, period: string): Uprated {
  const factor = upratingFactor(period);
  const uprated = roundMoney(value * factor);
  const from = deflatorIndex(period);
  return {
    value: uprated,
    factor,
    explanation: `${formatPounds(value)} (${period} prices) × ${factor.toFixed(4)} (GDP deflator ${deflatorIndex(PRICE_BASE_YEAR).toFixed(3)} / ${from.toFixed(3)}) = ${formatPounds(uprated)} in ${PRICE_BASE_YEAR} prices`,
  };
}

/**
 * Growth of the GDP deflator in each financial year after the price base, for the forecast years
 * of the model's deflator table (2025-26 to 2030-31).
 *
 * Intended source: OBR, Economic and fiscal outlook, March 2025 (https://obr.uk/efo/economic-and-fiscal-outlook-march-2025/),
 * detailed forecast tables, economy, Table 1.7 (GDP deflator, per cent change on a year
 * earlier, financial years). The table itself could not be retrieved when this was written (the
 * search found only press summaries of the EFO's CPI forecast: 3.2% in 2025, 2.1% in 2026, 2% from
 * 2027), so every year uses 2.0%: the inflation target to which the OBR's March 2025 forecast
 * returns from 2027. This understates 2025-26 (the deflator rose 4.4% in the year to 2025 Q1).
 * Replace these with the OBR's figures by editing this table and running `npm run models:build`;
 * the model's version must then change.
 */
export const DEFLATOR_FORECAST_GROWTH: ReadonlyArray<{ financialYear: string; growth: number }> = [
  { financialYear: '2025-26', growth: 0.02 },
  { financialYear: '2026-27', growth: 0.02 },
  { financialYear: '2027-28', growth: 0.02 },
  { financialYear: '2028-29', growth: 0.02 },
  { financialYear: '2029-30', growth: 0.02 },
  { financialYear: '2030-31', growth: 0.02 },
];

/**
 * The model's deflator table: the price base year's outturn index (ONS YBGB) then each forecast
 * year's index = the previous × (1 + growth), rounded to three decimals (as stored in the model).
 */
export function deflatorTable(): Array<{ financialYear: string; index: number }> {
  const rows = [{ financialYear: PRICE_BASE_YEAR, index: Math.round(deflatorIndex(PRICE_BASE_YEAR) * 1000) / 1000 }];
  for (const { financialYear, growth } of DEFLATOR_FORECAST_GROWTH) {
    rows.push({ financialYear, index: Math.round(rows[rows.length - 1].index * (1 + growth) * 1000) / 1000 });
  }
  return rows;
}
