import { type History, placements } from './measures.ts';

/**
 * The join between the recorded history and a projection's placement stability (issue 17).
 *
 * DfE's measure counts "children looked after at 31 March with three or more placements during
 * the year" (src/outcomes/measures.ts threeOrMorePlacementsUnits): every placement that overlaps
 * 1 April to 31 March. A projection starting part-way through a financial year sees today's
 * placement and the moves it simulates; the placements held between 1 April and today are in the
 * history only. This is that count, which the engine adds to the first year's
 * (PersonPlan.placementsEarlierThisYear). Pure: no SQL, no clock (the day is given).
 */

/** 1 April (YYYY-MM-DD) of the financial year containing `day` (YYYY-MM-DD). */
export function financialYearStartOf(day: string): string {
  const [year, month] = day.split('-').map(Number);
  return `${month >= 4 ? year : year - 1}-04-01`;
}

/**
 * Placements (measures.ts `placements`: looked-after episodes only, a new one at the start of each
 * period of care and at each episode flagged newPlacement) that overlap [1 April of the financial
 * year containing `start`, `start`) and are not the one in force on `start` (the projection's
 * today's placement, which the engine counts itself). A placement ending on `start` counts (the
 * next began that day); one ending on or before 1 April does not (episodes are [start, end)).
 *
 * `start`: the projection's first day, YYYY-MM-DD. Returns a whole number >= 0; 0 for a history
 * that records nothing in the window, or nothing at all.
 */
export function placementsEarlierThisYear(history: History, start: string): number {
  const april = financialYearStartOf(start);
  let n = 0;
  for (const p of placements(history)) {
    // Ended before the start (so not in force on it) and after 1 April began.
    if (p.start < start && p.end !== undefined && p.end <= start && p.end > april) n++;
  }
  return n;
}
