/**
 * Outcome measures counted from young people's dated histories (issue 17), after the
 * Department for Education's definitions. Pure: no HTTP, no SQL, no clock (the period is given).
 *
 * Sources (Department for Education, "Children looked after in England including adoptions",
 * and "Stability measures for children looked after in England", explore-education-statistics.
 * service.gov.uk; the SSDA903 return guidance for the fields):
 *   - placement stability: "children looked after at 31 March with three or more placements
 *     during the year" (share of all children looked after at 31 March);
 *   - long-term stability: "children looked after aged under 16 at 31 March who had been looked
 *     after continuously for at least 2.5 years and who were living with the same carer for at
 *     least 2 years, or placed for adoption and their adoption placement together with their
 *     previous placement last for at least 2 years" (DfE, Stability measures for children looked
 *     after in England, current wording; the older NI 63 wording said "in the same placement").
 *     A placement here is a carer: an episode that did not begin a new placement
 *     (newPlacement false) continues it;
 *   - distance: children looked after at 31 March placed more than 20 miles from home (DfE
 *     reports "distance not known" on its own line: those children are left out of both counts);
 *   - care leavers now aged 19, 20 and 21: activity (in education, employment or training) and
 *     whether the accommodation is suitable, recorded around the birthday (SSDA903 "care leavers"
 *     module); "not known" and "not in touch" stay in the denominator, as DfE counts them. With no
 *     activity recorded on the birthday's episode, the state says it where it can (the care state
 *     independent_eet is in EET; any other is not known); the service refuses an activity that
 *     contradicts the state, so the two never disagree;
 *   - children who ceased to be looked after during the year by reason: adoption (SSDA903 REC
 *     E11/E12) and special guardianship orders (E45-E48; E43/E44 in earlier returns). DfE counts children, not periods of
 *     care: a child who ceased more than once in the year counts once, by the last occasion;
 *   - entries to care in the year flagged as unplanned or in an emergency (a local flag on the
 *     episode that starts a period of care; SSDA903 has no such field). As DfE's "children who
 *     started to be looked after during the year", each child counts once, by the first period
 *     of care that started in the year.
 *
 * Looked after: an episode in a looked-after state, or custody on remand within a period of care
 * (lookedAfterEpisodes: LASPO 2012 s104; SSDA903 PLACE R5), so a remand neither ends the period
 * of care nor starts a new one.
 *
 * Conventions. Dates are ISO strings (YYYY-MM-DD). An episode covers [startDate, endDate): the
 * next episode starts on the day this one ends, as the SSDA903 DEC of one episode is the DECOM of
 * the next. A period is [start, end] inclusive, DfE's year being 1 April to 31 March ("at 31
 * March" = at the period's end). Ages count the birthday as the first day of the birth month
 * (only month and year of birth are stored). Every measure returns whole counts
 * { numerator, denominator }, so the disclosure rule can be applied to them.
 */

import { DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';

export const ENTRY_KINDS = ['planned', 'unplanned_emergency'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Why a period of care ended (after the SSDA903 REC codes, grouped). */
export const EXIT_REASONS = ['adoption', 'special_guardianship', 'returned_home', 'child_arrangements_order', 'age_18_or_over', 'other'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** A care leaver's main activity (after the SSDA903 care leaver ACTIV codes, grouped). */
export const LEAVER_ACTIVITIES = ['higher_education', 'other_education', 'training_or_employment', 'neet', 'not_in_touch'] as const;
export type LeaverActivity = (typeof LEAVER_ACTIVITIES)[number];
const IN_EET: ReadonlySet<string> = new Set(['higher_education', 'other_education', 'training_or_employment']);

export interface Episode {
  startDate: string;
  /** Exclusive; absent while open. */
  endDate?: string | undefined;
  careState: string;
  /** This episode began a new placement (false: only the legal status, activity or similar changed). */
  newPlacement: boolean;
  distanceMiles?: number | undefined;
  entry?: EntryKind | undefined;
  exitReason?: ExitReason | undefined;
  leaverActivity?: LeaverActivity | undefined;
  accommodationSuitable?: boolean | undefined;
  /** The team responsible during the episode (a team id); absent: not recorded, and the scorecard falls back to the young person's current team. */
  teamId?: string | undefined;
  /** The placement's weekly price during the episode, GBP; absent: not recorded (or no placement). The scorecard's spend on a past day reads it (src/services/scorecard.ts, weeklyCommitmentOn). */
  weeklyPrice?: number | undefined;
}

export interface History {
  birthYear: number;
  birthMonth: number;
  /** In start order, not overlapping (the service refuses overlaps). */
  episodes: Episode[];
}

export interface Period {
  /** First day, inclusive. */
  start: string;
  /** Last day, inclusive ("31 March"). */
  end: string;
}

export interface Count {
  numerator: number;
  denominator: number;
}

/**
 * One thing a measure counts, so it can be attributed to the team responsible when it happened:
 * a child looked after at the period's end (the episode in force that day), a period of care that
 * began (its first episode) or ended (its last looked-after episode), a care leaver's birthday
 * (the episode in force on it, if any). `counted`: it is in the numerator as well.
 */
export interface Unit {
  episode: Episode | undefined;
  counted: boolean;
}

/** Adds units up into a count. */
export function tally(units: Iterable<Unit>): Count {
  let numerator = 0;
  let denominator = 0;
  for (const u of units) {
    denominator++;
    if (u.counted) numerator++;
  }
  return { numerator, denominator };
}

const lookedAfterStates: ReadonlySet<string> = new Set(DEFAULT_CARE_STATES.filter((s) => s.category === 'looked_after').map((s) => s.id));

export function isLookedAfterState(state: string): boolean {
  return lookedAfterStates.has(state);
}

/** The date `months` calendar months before `iso`, the day clamped to the month's length (2026-03-31 less 30 months: 2023-09-30). */
export function monthsBefore(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The day after `iso`. */
export function nextDay(iso: string): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function birthday(history: History, age: number): string {
  return `${String(history.birthYear + age).padStart(4, '0')}-${String(history.birthMonth).padStart(2, '0')}-01`;
}

/** Completed years on `iso`, the birthday being the first of the birth month. */
export function ageOn(history: History, iso: string): number {
  const [y, m] = iso.split('-').map(Number);
  return Math.floor((y * 12 + m - 1 - (history.birthYear * 12 + history.birthMonth - 1)) / 12);
}

function covers(episode: Episode, day: string): boolean {
  return episode.startDate <= day && (episode.endDate === undefined || episode.endDate > day);
}

/** The episode in force on `day`, if any. */
export function episodeOn(history: { readonly episodes: readonly Episode[] }, day: string): Episode | undefined {
  return history.episodes.find((e) => covers(e, day));
}

/**
 * States in which a child can be remanded while looked after: a child remanded to youth detention
 * accommodation is looked after (Legal Aid, Sentencing and Punishment of Offenders Act 2012,
 * s104), which SSDA903 records as a placement, PLACE R5 (young offender institution or prison),
 * within the period of care; a child sentenced to custody ceases to be looked after (REC E9).
 * The default vocabulary has one state for both (the SSDA903 mapping sends R5 and E9 under 18 to
 * youth_custody), so which it is comes from the history (lookedAfterEpisodes).
 */
const REMAND_STATES: ReadonlySet<string> = new Set(['youth_custody']);

/** A state a child can be remanded in while looked after (REMAND_STATES). */
export function isRemandState(state: string): boolean {
  return REMAND_STATES.has(state);
}

/**
 * Which episodes are looked after, index for index (`episodes` in start order, as History holds
 * them): an episode in a looked-after state, and a remand: an episode in a custody state
 * (REMAND_STATES) that continues a looked-after episode (which ends the day it starts) carrying no
 * exitReason, so care did not end: the child is looked after on remand (LASPO 2012 s104; SSDA903
 * PLACE R5), and a return from it to a placement is in the same period of care; or one carrying
 * an entry flag: remanded from outside care, which starts a period of care. Custody after an
 * episode that ended care (an exitReason, as a sentence does: REC E9), or after a gap or from
 * outside care with no entry flag, is not looked after.
 */
export function lookedAfterEpisodes(episodes: readonly Pick<Episode, 'careState' | 'startDate' | 'endDate' | 'exitReason' | 'entry'>[]): boolean[] {
  const flags: boolean[] = [];
  episodes.forEach((episode, i) => {
    if (isLookedAfterState(episode.careState)) flags.push(true);
    else if (!REMAND_STATES.has(episode.careState)) flags.push(false);
    else {
      const previous = episodes[i - 1];
      const continues = previous !== undefined && flags[i - 1] && previous.exitReason === undefined && previous.endDate !== undefined && previous.endDate === episode.startDate;
      // Remanded from outside care: the remand starts a period of care (SSDA903 counts a child
      // remanded, legal status J1, among those who started to be looked after), which the
      // episode's entry flag records.
      flags.push(continues || episode.entry !== undefined);
    }
  });
  return flags;
}

/** A change between custody and a placement is a change of carer, whatever the episode's newPlacement says. */
function custodyChange(a: Episode, b: Episode): boolean {
  return REMAND_STATES.has(a.careState) !== REMAND_STATES.has(b.careState);
}

/** The episode in force on `day` and whether it is looked after (lookedAfterEpisodes). */
function lookedAfterEpisodeOn(history: History, day: string): Episode | undefined {
  const i = history.episodes.findIndex((e) => covers(e, day));
  if (i < 0) return undefined;
  return lookedAfterEpisodes(history.episodes)[i] ? history.episodes[i] : undefined;
}

export function lookedAfterOn(history: History, day: string): boolean {
  return lookedAfterEpisodeOn(history, day) !== undefined;
}

/** A span of time, end exclusive (absent: still going). */
interface Span {
  start: string;
  end?: string | undefined;
  /** Index of the span's first episode. */
  first: number;
  last: number;
}

function contiguous(a: Episode, b: Episode): boolean {
  return a.endDate !== undefined && a.endDate === b.startDate;
}

/** Periods of care: runs of contiguous looked-after episodes. */
export function periodsOfCare(history: History): Span[] {
  const spans: Span[] = [];
  const lookedAfter = lookedAfterEpisodes(history.episodes);
  history.episodes.forEach((episode, i) => {
    if (!lookedAfter[i]) return;
    const previous = history.episodes[i - 1];
    const current = spans[spans.length - 1];
    if (current && previous && current.last === i - 1 && contiguous(previous, episode)) {
      current.last = i;
      current.end = episode.endDate;
    } else {
      spans.push({ start: episode.startDate, end: episode.endDate, first: i, last: i });
    }
  });
  return spans;
}

/** Placements: within a period of care, a new one starts with each episode flagged newPlacement (and the first). */
export function placements(history: History): Span[] {
  const spans: Span[] = [];
  for (const period of periodsOfCare(history)) {
    for (let i = period.first; i <= period.last; i++) {
      const episode = history.episodes[i];
      const current = spans[spans.length - 1];
      if (i === period.first || episode.newPlacement || !current || custodyChange(history.episodes[i - 1], episode)) spans.push({ start: episode.startDate, end: episode.endDate, first: i, last: i });
      else {
        current.last = i;
        current.end = episode.endDate;
      }
    }
  }
  return spans;
}

function overlaps(span: Span, period: Period): boolean {
  return span.start <= period.end && (span.end === undefined || span.end > period.start);
}

/**
 * Placement stability (DfE): of the children looked after at the period's end, how many had
 * three or more placements during the period (every placement that overlaps it, the one in
 * progress at its start included).
 */
export function threeOrMorePlacementsUnits(history: History, period: Period): Unit[] {
  const episode = lookedAfterEpisodeOn(history, period.end);
  if (!episode) return [];
  return [{ episode, counted: placements(history).filter((p) => overlaps(p, period)).length >= 3 }];
}

export function threeOrMorePlacements(histories: History[], period: Period): Count {
  return tally(histories.flatMap((h) => threeOrMorePlacementsUnits(h, period)));
}

/**
 * Long-term stability (DfE): of the children looked after at the period's end, aged under 16,
 * looked after continuously for at least 2.5 years (30 months), how many had been in the same
 * placement for at least 2 years, or are placed for adoption and that placement together with the
 * one before it (in the same period of care) has lasted at least 2 years.
 */
export function longTermStabilityUnits(history: History, period: Period): Unit[] {
  const day = period.end;
  const thirtyMonthsAgo = monthsBefore(day, 30);
  const twoYearsAgo = monthsBefore(day, 24);
  if (!lookedAfterOn(history, day) || ageOn(history, day) >= 16) return [];
  const care = periodsOfCare(history).find((p) => p.start <= day && (p.end === undefined || p.end > day));
  if (!care || care.start > thirtyMonthsAgo) return [];
  const all = placements(history);
  const k = all.findIndex((p) => p.start <= day && (p.end === undefined || p.end > day));
  const current = all[k];
  const episode = episodeOn(history, day) as Episode;
  const previous = all[k - 1];
  const adoptionWithPrevious =
    episode.careState === 'placed_for_adoption' && previous !== undefined && previous.first >= care.first && previous.start <= twoYearsAgo;
  return [{ episode, counted: current.start <= twoYearsAgo || adoptionWithPrevious }];
}

export function longTermStability(histories: History[], period: Period): Count {
  return tally(histories.flatMap((h) => longTermStabilityUnits(h, period)));
}

/** Children looked after at the period's end placed more than 20 miles from home, of those whose distance is known (DfE). */
export function placedOver20MilesUnits(history: History, period: Period): Unit[] {
  const episode = lookedAfterEpisodeOn(history, period.end);
  if (!episode || episode.distanceMiles === undefined) return [];
  return [{ episode, counted: episode.distanceMiles > 20 }];
}

export function placedOver20Miles(histories: History[], period: Period): Count {
  return tally(histories.flatMap((h) => placedOver20MilesUnits(h, period)));
}

/**
 * Whether a young person is a care leaver for these measures: looked after for at least 13
 * weeks (91 days) from the 14th birthday, some of it after the 16th (the "eligible" and "former
 * relevant" child of the Children (Leaving Care) Act 2000, as SSDA903 selects care leavers).
 */
export function isCareLeaver(history: History, asOf: string): boolean {
  const fourteen = birthday(history, 14);
  const sixteen = birthday(history, 16);
  let days = 0;
  let after16 = false;
  const lookedAfter = lookedAfterEpisodes(history.episodes);
  for (const [i, episode] of history.episodes.entries()) {
    if (!lookedAfter[i]) continue;
    const from = [episode.startDate, fourteen].sort()[1]; // the later of two ISO dates
    const to = episode.endDate ?? asOf;
    if (to > from) days += (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
    if (to > sixteen) after16 = true;
  }
  return days >= 91 && after16;
}

function careLeaverBirthdays(history: History, period: Period, counted: (episode: Episode | undefined) => boolean): Unit[] {
  const units: Unit[] = [];
  for (const age of [19, 20, 21]) {
    const day = birthday(history, age);
    if (day < period.start || day > period.end || !isCareLeaver(history, day)) continue;
    // In force on the birthday, else the one that ended on it: a case closed on the 21st
    // birthday (the end of leaving-care support) recorded the activity and accommodation up to
    // that day, which the care leavers' module reads around the birthday (review of 2 December).
    const episode = episodeOn(history, day) ?? history.episodes.find((e) => e.endDate === day);
    units.push({ episode, counted: counted(episode) });
  }
  return units;
}

/**
 * Whether a care leaver's recorded activity contradicts the state they are recorded in: in
 * education, employment or training (DfE's EET: higher education, other education, training or
 * employment) while "independent, not in EET", or NEET / not in touch while "independent, in EET".
 * The service refuses such an episode, so the EET measure never has to choose between the two.
 */
export function leaverActivityContradicts(careState: string, activity: LeaverActivity | undefined): boolean {
  if (activity === undefined) return false;
  if (careState === 'independent_neet') return IN_EET.has(activity);
  if (careState === 'independent_eet') return !IN_EET.has(activity);
  return false;
}

/**
 * In EET on the birthday: by the recorded activity (SSDA903 ACTIV), else by the state when the
 * state says it (independent_eet: in EET; any other state with no activity recorded: not known,
 * which DfE keeps in the denominator only).
 */
const inEet = (e: Episode | undefined) => (e?.leaverActivity !== undefined ? IN_EET.has(e.leaverActivity) : e?.careState === 'independent_eet');
const suitablyHoused = (e: Episode | undefined) => e?.accommodationSuitable === true;

export function careLeaversInEetUnits(history: History, period: Period): Unit[] {
  return careLeaverBirthdays(history, period, inEet);
}

/** Care leavers whose 19th, 20th or 21st birthday fell in the period: how many were in education, employment or training on it (DfE). */
export function careLeaversInEet(histories: History[], period: Period): Count {
  return tally(histories.flatMap((h) => careLeaversInEetUnits(h, period)));
}

export function careLeaversSuitablyAccommodatedUnits(history: History, period: Period): Unit[] {
  return careLeaverBirthdays(history, period, suitablyHoused);
}

/** Care leavers whose 19th, 20th or 21st birthday fell in the period: how many were in suitable accommodation on it (DfE). */
export function careLeaversSuitablyAccommodated(histories: History[], period: Period): Count {
  return tally(histories.flatMap((h) => careLeaversSuitablyAccommodatedUnits(h, period)));
}

/** Why a period of care ended: the reason on its last episode, else read from the state that follows. */
function exitReasonOf(history: History, care: Span): ExitReason | undefined {
  const last = history.episodes[care.last];
  if (last.exitReason) return last.exitReason;
  const next = history.episodes[care.last + 1];
  if (next && contiguous(last, next)) {
    if (next.careState === 'adopted') return 'adoption';
    if (next.careState === 'sgo') return 'special_guardianship';
  }
  return undefined;
}

/**
 * The child's last ceasing to be looked after in the period, with its reason: at most one unit per
 * child, as DfE counts "children who ceased to be looked after during the year" (a child who
 * ceased twice counts once, by the last occasion). The unit's episode is that period of care's
 * last looked-after episode (care ended in it), so the scorecard attributes the exit to its team.
 */
export function exitsToAdoptionOrSgoUnits(history: History, period: Period): Array<Unit & { reason: ExitReason | undefined }> {
  const ended = periodsOfCare(history).filter((care) => care.end !== undefined && care.end >= period.start && care.end <= period.end);
  const care = ended.at(-1);
  if (!care) return [];
  const reason = exitReasonOf(history, care);
  return [{ episode: history.episodes[care.last], counted: reason === 'adoption' || reason === 'special_guardianship', reason }];
}

/** Of the children who ceased to be looked after in the period (each once, by the last day care ended in it), how many left by adoption or a special guardianship order (DfE). */
export function exitsToAdoptionOrSgo(histories: History[], period: Period): Count & { adoption: number; specialGuardianship: number } {
  const units = histories.flatMap((h) => exitsToAdoptionOrSgoUnits(h, period));
  return {
    ...tally(units),
    adoption: units.filter((u) => u.reason === 'adoption').length,
    specialGuardianship: units.filter((u) => u.reason === 'special_guardianship').length,
  };
}

/**
 * The child's first period of care that started in the period: at most one unit per child, as DfE
 * counts "children who started to be looked after during the year" (a child who started twice
 * counts once, by the first occasion). The unit's episode is that period's first (the entry), so
 * the scorecard attributes the entry to its team.
 */
export function unplannedEntriesUnits(history: History, period: Period): Unit[] {
  const care = periodsOfCare(history).find((c) => c.start >= period.start && c.start <= period.end);
  if (!care) return [];
  const episode = history.episodes[care.first];
  return [{ episode, counted: episode.entry === 'unplanned_emergency' }];
}

/** Of the children who started to be looked after in the period (each once, by their first period of care starting in it), how many began unplanned or in an emergency (the entry flag). */
export function unplannedEntries(histories: History[], period: Period): Count {
  return tally(histories.flatMap((h) => unplannedEntriesUnits(h, period)));
}

/** Weeks in a year, 365.25 ÷ 7, as the finance module annualises weekly prices. */
export const WEEKS_PER_YEAR = 365.25 / 7;

/**
 * Spend committed against a budget: the weekly commitments in force (placements and services),
 * annualised at 365.25 ÷ 7 weeks, as a percentage of the annual budget. Money in GBP.
 * Null when there is no budget (0 or absent): a share of nothing is not a figure.
 */
export function spendAgainstBudget(weeklyCommitments: number[], annualBudget: number | null): { committed: number; budget: number | null; percent: number | null } {
  const committed = weeklyCommitments.reduce((sum, w) => sum + w, 0) * WEEKS_PER_YEAR;
  return { committed, budget: annualBudget, percent: annualBudget ? (100 * committed) / annualBudget : null };
}

/** A count as a percentage (null when the denominator is 0). */
export function percent(count: Count): number | null {
  return count.denominator > 0 ? (100 * count.numerator) / count.denominator : null;
}
