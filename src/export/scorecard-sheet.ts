import type ExcelJS from 'exceljs';
import type { Cell, PackTable } from './tables.ts';

/**
 * The balanced scorecard in the pack (issue 17): one Scorecard sheet (and tables/scorecard.csv),
 * a row for each measure and each of the organisation, the teams and the young people with no
 * team, grouped under finance, young people's outcomes, practice and workforce: actual, target,
 * the gap, the red-amber-green status in words (and, on the sheet, as the cell's fill), the
 * numerator and denominator, then the value at each quarter end (the trend).
 *
 * Built from GET /v1/scorecard's answer as the board reads it, whoever exports (src/services/packs.ts
 * packScorecard): the disclosure-protected view, counts of 1-4 children shown as "<5" (or "c"),
 * and the share and colour behind them withheld. Nothing here recomputes or unprotects a figure.
 * A full view (disclosure "full") renders too, for a caller that passes one.
 */

type Shown = number | string | null;
export interface PackScorecardCell {
  numerator: Shown;
  denominator: Shown;
  value: number | null;
  rag: 'green' | 'amber' | 'red' | null;
  vsTarget: number | null;
  /** Money only (review finding 4): children with no known placement price on the day; the spend is then a floor. */
  unpricedChildren?: Shown;
  spendComplete?: boolean;
  /** 'history_incomplete': the figure's window begins before the borough's recorded history, which starts on `historyStart`; no figure. */
  status?: 'history_incomplete';
  historyStart?: string;
}

/** What an unavailable figure shows instead of a number: "history starts 2024-01-09" (ISO, as the sheet's dates are). */
export function historyStartsWords(cell: PackScorecardCell): string | null {
  return cell.status === 'history_incomplete' ? `history starts ${cell.historyStart}` : null;
}
/**
 * What the scorecard's as-of date is, in words: protected (every pack), the last quarter end on
 * or before the export day, since the small-numbers rule is applied to whole quarters only
 * (src/services/packs.ts); a full view, the export day.
 */
export function scorecardAsOfPhrase(s: Pick<PackScorecard, 'disclosure'>): string {
  return s.disclosure === 'protected' ? 'the last quarter end before this pack was exported (the board reads whole quarters only)' : 'the day this pack was exported';
}

export interface PackScorecard {
  asOf: string;
  disclosure: string;
  note: string;
  teams: Array<{ id: string; name: string; service: string }>;
  groups: Array<{
    id: string;
    label: string;
    measures: Array<{
      id: string;
      label: string;
      kind: string;
      unit: string;
      direction: string;
      target: number;
      organisation: PackScorecardCell;
      teams: Array<PackScorecardCell & { teamId: string }>;
      noTeam?: PackScorecardCell;
      trend: Array<{ quarterEnd: string; organisation: PackScorecardCell; teams: Array<PackScorecardCell & { teamId: string }> }>;
    }>;
  }>;
}

export const SCORECARD_SHEET = 'Scorecard';

/**
 * The status in words: the colour is never the only sign of it. `kind` 'money' (spend against
 * budget): a withheld spend has no numerator (null: the children behind it are few), and a
 * team without a budget no denominator (review: both read "No data").
 */
export function ragWords(cell: PackScorecardCell, kind?: string): string {
  const missing = historyStartsWords(cell);
  if (missing) return `Not available (${missing})`;
  if (cell.rag === 'green') return 'Green (on target)';
  if (cell.rag === 'amber') return 'Amber (near target)';
  if (cell.rag === 'red') return 'Red (off target)';
  if (cell.spendComplete === false) return `Incomplete (${cell.unpricedChildren} unpriced)`;
  if (typeof cell.numerator === 'string' || typeof cell.denominator === 'string') return 'Withheld (small count)';
  if (kind === 'money' && cell.numerator === null) return 'Withheld (small count)';
  if (kind === 'money' && cell.denominator === null) return 'No budget set';
  return 'No data';
}

/**
 * A spend figure of a day with children whose placement price that day is not known
 * (spendComplete false, review finding 4) is a floor: "at least 52.2" (the actual or a quarter,
 * in the measure's unit) or "at least 52178.57" (the numerator, GBP a year), as the report and
 * the page say "at least". Any other figure, and a missing one, as it is.
 */
export function floorWords(cell: PackScorecardCell, figure: Cell): Cell {
  return cell.spendComplete === false && typeof figure === 'number' ? `at least ${figure}` : figure;
}

/** Light fills with black text: contrast 14:1 or more (WCAG 2.2 1.4.3 asks 4.5:1). */
export const RAG_FILLS: Record<'green' | 'amber' | 'red', string> = { green: 'FFC6EFCE', amber: 'FFFFEB9C', red: 'FFFFC7CE' };

const UNITS: Record<string, string> = { percent: '%', 'children per key worker': 'children per key worker' };

/** Columns capped narrow (headers and labels wrap) so the sheet prints one A4 page wide at about 65%. */
export function scorecardTable(s: PackScorecard): PackTable {
  const quarters = [...new Set(s.groups.flatMap((g) => g.measures.flatMap((m) => m.trend.map((q) => q.quarterEnd))))].sort();
  const teamName = new Map(s.teams.map((t) => [t.id, t.name]));
  const rows: Cell[][] = [];
  for (const group of s.groups) {
    for (const m of group.measures) {
      const scopes: Array<{ scope: string; cell: PackScorecardCell; trend: (q: (typeof m.trend)[number]) => PackScorecardCell | undefined }> = [
        { scope: 'Organisation', cell: m.organisation, trend: (q) => q.organisation },
        ...m.teams.map((c) => ({ scope: teamName.get(c.teamId) ?? c.teamId, cell: c as PackScorecardCell, trend: (q: (typeof m.trend)[number]) => q.teams.find((x) => x.teamId === c.teamId) })),
        ...(m.noTeam ? [{ scope: 'No team', cell: m.noTeam, trend: () => undefined }] : []),
      ];
      for (const { scope, cell, trend } of scopes) {
        // A quarter before the recorded history says so in words rather than as a blank or a number.
        // A quarter's spend with unpriced children is a floor, as the actual is (no status column says so for a quarter).
        const quarterCell = (c: PackScorecardCell | undefined): Cell => (c ? (historyStartsWords(c) ?? floorWords(c, c.value)) : null);
        const byQuarter = new Map(m.trend.map((q) => [q.quarterEnd, quarterCell(trend(q))]));
        rows.push([
          group.label,
          m.label,
          UNITS[m.unit] ?? m.unit,
          m.direction === 'higher' ? 'higher' : 'lower',
          scope,
          historyStartsWords(cell) ?? floorWords(cell, cell.value),
          m.target,
          cell.vsTarget,
          ragWords(cell, m.kind),
          floorWords(cell, cell.numerator),
          cell.denominator,
          ...quarters.map((q) => byQuarter.get(q) ?? null),
        ]);
      }
    }
  }
  return {
    id: 'scorecard',
    sheet: SCORECARD_SHEET,
    title: `Balanced scorecard as of ${s.asOf}, ${scorecardAsOfPhrase(s)}`,
    description:
      'Each measure for the organisation, each team and the young people with no team: actual over the year to the as-of date (snapshot measures from the records in force that day; the two workforce measures from today’s records, as key-worker references are not yet kept by date), the authority’s target, actual minus target, the red-amber-green status in words (the sheet colours the cell), numerator and denominator (children, key workers for caseload, £ for spend), and the value at each quarter end',
    columns: [
      { key: 'group', header: 'Group', kind: 'text', maxWidth: 14 },
      { key: 'measure', header: 'Measure', kind: 'text', maxWidth: 30 },
      { key: 'unit', header: 'Unit', kind: 'text', maxWidth: 12 },
      { key: 'better', header: 'Better when', kind: 'text', maxWidth: 8 },
      { key: 'scope', header: 'Organisation or team', kind: 'text', maxWidth: 18 },
      { key: 'actual', header: `Actual as of ${s.asOf}`, kind: 'number', maxWidth: 11 },
      { key: 'target', header: 'Target', kind: 'number' },
      { key: 'vs_target', header: 'Actual minus target', kind: 'number', maxWidth: 10 },
      { key: 'rag', header: 'Status', kind: 'text', maxWidth: 14 },
      { key: 'numerator', header: 'Numerator', kind: 'count', maxWidth: 11 },
      { key: 'denominator', header: 'Denominator', kind: 'count', maxWidth: 11 },
      ...quarters.map((q) => ({ key: `quarter_${q}`, header: `As of ${q}`, kind: 'number' as const, maxWidth: 10 })),
    ],
    rows,
    notes: [
      `As of ${s.asOf}, ${scorecardAsOfPhrase(s)}.`,
      s.disclosure === 'protected' ? `Disclosure control: ${s.note}` : 'Every figure as counted (the exporting role reads individual records).',
      'Targets and thresholds are the authority’s (PUT /v1/scorecard/targets/{measure}); a blank actual has no children to count or is withheld.',
      '“at least”: a spend on a day some children’s placement price is not recorded (the status says how many); the figure is the spend known, a floor, with no colour.',
      '“history starts <date>”: the figure’s window (the 12 months to that day, or the day itself for snapshots) begins before the borough’s recorded history, so it would count missing records as nothing; no figure or colour is given. The history starts at the later of the earliest care episode and the earliest case on record that closed.',
      'Each “As of” column is the measure read on that quarter end, as the actual is on the as-of date: over the 12 months to that day for measures of a year (three or more placements, exits, entries, care leavers around their birthdays), on that day for snapshots (placed over 20 miles, long-term stability, spend); the workforce measures are today’s records whatever the column, as key-worker references are not yet kept by date. It is not the quarter’s own three months.',
    ],
  };
}

/** Fills each status cell of the Scorecard sheet with its colour, and heads each printed page with the as-of date. */
export function styleScorecardSheet(workbook: ExcelJS.Workbook, tables: PackTable[]): void {
  const table = tables.find((t) => t.id === 'scorecard');
  const sheet = workbook.getWorksheet(SCORECARD_SHEET);
  if (!table || !sheet) return;
  const column = table.columns.findIndex((c) => c.key === 'rag') + 1;
  table.rows.forEach((row, r) => {
    const word = String(row[column - 1]);
    const rag = word.startsWith('Green') ? 'green' : word.startsWith('Amber') ? 'amber' : word.startsWith('Red') ? 'red' : null;
    if (!rag) return;
    const cell = sheet.getCell(r + 2, column);
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: RAG_FILLS[rag] } };
    cell.font = { color: { argb: 'FF000000' } };
  });
  sheet.headerFooter = { ...sheet.headerFooter, oddHeader: `&L${table.title.replaceAll('&', '&&')}` };
}

/** A figure and its status for the report: "33.3% Red", "2.5 Green", "withheld", "no budget" (spend) or "–" (no data). */
function reportCell(unit: string, cell: PackScorecardCell | undefined, kind?: string): string {
  if (!cell) return '–';
  if (cell.value === null) {
    const missing = historyStartsWords(cell);
    if (missing) return missing;
    // No figure, so nothing to call a floor: why there is none (withheld, no budget), unpriced children or not.
    const words = ragWords({ ...cell, spendComplete: undefined }, kind);
    return words.startsWith('Withheld') ? 'withheld' : words === 'No budget set' ? 'no budget' : '–';
  }
  const figure = unit === 'percent' ? `${cell.value.toFixed(1)}%` : cell.value.toFixed(1);
  if (cell.spendComplete === false) return `at least ${figure}`;
  return cell.rag ? `${figure} ${cell.rag[0].toUpperCase()}${cell.rag.slice(1)}` : figure;
}

/** The most teams the report's table shows as columns; more, and it shows the organisation only (the sheet has them all). */
export const REPORT_TEAMS = 4;

/**
 * The report's short scorecard table: a row per measure (the group's name on its first), the
 * target, then the organisation's and each team's actual with its status in words. Shares,
 * ratios and statuses only, no counts: the counts are on the sheet.
 */
export function scorecardReportRows(s: PackScorecard): { headers: string[]; rows: string[][]; teamsShown: boolean } {
  const teams = s.teams.length <= REPORT_TEAMS ? s.teams : [];
  const rows: string[][] = [];
  for (const group of s.groups) {
    group.measures.forEach((m, k) => {
      const unit = m.unit === 'percent' ? `${m.target}%` : String(m.target);
      rows.push([
        k === 0 ? group.label : '',
        `${m.label} (${m.direction} is better)`,
        unit,
        reportCell(m.unit, m.organisation, m.kind),
        ...teams.map((t) => reportCell(m.unit, m.teams.find((c) => c.teamId === t.id), m.kind)),
      ]);
    });
  }
  return { headers: ['Group', 'Measure', 'Target', 'Organisation', ...teams.map((t) => t.name)], rows, teamsShown: teams.length > 0 || s.teams.length === 0 };
}
