import Ajv from 'ajv';
import { modelContentHash } from './canonical-json.ts';
import { distributionFaults, formatNumber, type QuantityKind } from './distribution-rules.ts';
import { modelJsonSchema } from './model-json-schema.ts';
import type { CostModelSpec, DistributionSpec } from './model-schema.ts';
import {
  type ResolvedAgeBand,
  type ResolvedAgeTransition,
  type ResolvedDistribution,
  type ResolvedModel,
  type ResolvedState,
  WEEKS_PER_MONTH,
} from './resolved-model.ts';
import { STATE_CATEGORIES, type StateCategory } from './vocabulary.ts';
import { toDistribution } from '../simulation/distributions.ts';
import { oneReasonAField, validationErrors } from '../schemas/validation-words.ts';

/** One thing wrong with a model: where (a JSON pointer into the model) and why, in plain words. */
export interface ModelError {
  field: string;
  reason: string;
}

export type ModelValidation = { ok: true; model: ResolvedModel } | { ok: false; errors: ModelError[] };

/** Rows must sum to 1 within this. */
export const ROW_SUM_TOLERANCE = 1e-9;

const schemaDocument = modelJsonSchema();
const checkSchema = new Ajv.default({ allErrors: true, strict: false }).compile(schemaDocument);

/**
 * Checks a candidate cost model and, if it is sound, returns it resolved for the engine.
 *
 * First the JSON Schema (types, required fields, unknown fields); a model that fails it is not
 * read further. Then the rules a schema cannot say: rows summing to 1, known states and
 * categories, rows for every state in every band it can be in, bands covering 0 to the horizon,
 * costs that cannot be negative, distributions that make sense, unique ids, known sources,
 * reachable states, no accidental dead ends, increasing discount periods, age transitions to
 * states allowed at that age. Every error is reported, each naming its field.
 */
export function validateModel(input: unknown): ModelValidation {
  if (!checkSchema(input)) {
    return { ok: false, errors: validationErrors('', checkSchema.errors ?? [], { input, schema: schemaDocument }) };
  }
  const spec = input as unknown as CostModelSpec;
  const checker = new ModelChecker(spec);
  const errors = checker.check();
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, model: checker.resolve() };
}

/** RFC 6901 JSON pointer from path segments. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

// ---------------------------------------------------------------------------------------------
// Domain rules

function ageRange(min: number, max: number): string {
  return Number.isFinite(max) ? `ages ${min}-${max - 1}` : `ages ${min} and over`;
}

class ModelChecker {
  private readonly errors: ModelError[] = [];
  private readonly stateIndex = new Map<string, number>();
  private readonly bandIndex = new Map<string, number>();
  private readonly categoryStates = new Map<StateCategory, number[]>();
  private readonly minAge: number[];
  private readonly maxAge: number[];
  private readonly n: number;
  /** Transition matrices per spec band (spec order), built leniently from the valid entries. */
  private readonly matrices: Float64Array[];
  /** Whether each state has a row in each band (spec order). */
  private readonly hasRow: Uint8Array[];
  /** Age transitions: expanded `from` and destination row. */
  private readonly ageRules: Array<{ age: number; from: number[]; to: Float64Array }> = [];

  private readonly spec: CostModelSpec;

  constructor(spec: CostModelSpec) {
    this.spec = spec;
    this.n = spec.states.length;
    this.minAge = spec.states.map((s) => s.minAgeYears ?? 0);
    this.maxAge = spec.states.map((s) => s.maxAgeYears ?? Number.POSITIVE_INFINITY);
    this.matrices = spec.ageBands.map(() => new Float64Array(this.n * this.n));
    this.hasRow = spec.ageBands.map(() => new Uint8Array(this.n));
  }

  private add(field: string, reason: string) {
    this.errors.push({ field, reason });
  }

  check(): ModelError[] {
    this.checkStates();
    this.checkBands();
    this.checkTransitions();
    this.checkAgeTransitions();
    this.checkAgeingOut();
    this.checkDiscounting();
    this.checkDeflator();
    this.checkSources();
    this.checkRateUncertainty();
    this.checkUnitCosts();
    this.checkEventCosts();
    this.checkInterventions();
    this.checkRateFactors();
    this.checkReachability();
    this.checkDeadEnds();
    return oneReasonAField(this.errors);
  }

  private presentIn(state: number, fromYears: number, toYears: number): boolean {
    return Math.max(this.minAge[state], fromYears) < Math.min(this.maxAge[state], toYears);
  }

  private allowedAt(state: number, ageYears: number): boolean {
    return this.minAge[state] <= ageYears && ageYears < this.maxAge[state];
  }

  private checkStates() {
    this.spec.states.forEach((s, i) => {
      const first = this.stateIndex.get(s.id);
      if (first !== undefined) {
        this.add(pointer('states', i, 'id'), `duplicate state id "${s.id}" (also ${pointer('states', first, 'id')})`);
      } else {
        this.stateIndex.set(s.id, i);
      }
      const list = this.categoryStates.get(s.category) ?? [];
      list.push(i);
      this.categoryStates.set(s.category, list);
      if (this.maxAge[i] <= this.minAge[i]) {
        this.add(pointer('states', i, 'maxAgeYears'), `must be greater than minAgeYears (${this.minAge[i]})`);
        // Read it as having no upper limit, so this one error does not cascade into others.
        this.maxAge[i] = Number.POSITIVE_INFINITY;
      }
      if (this.minAge[i] >= this.spec.horizonAgeYears) {
        this.add(pointer('states', i, 'minAgeYears'), `is at or beyond the horizon (${this.spec.horizonAgeYears}): nobody can be in ${s.id}`);
      }
      if (s.withinStatePlacementMoves !== undefined && s.withinStatePlacementMoves > 0 && !s.placement) {
        this.add(pointer('states', i, 'withinStatePlacementMoves'), `only placements have placement moves, and ${s.id} is not a placement`);
      }
      // The share within 20 miles is of children looked after: a figure on another state would never be read.
      if (s.distanceOver20Miles !== undefined && !(s.flags ?? []).includes('in_care')) {
        this.add(pointer('states', i, 'distanceOver20Miles'), `only states flagged in_care have a placement distance, and ${s.id} is not`);
      }
      // The EET share is of care leavers (DfE care leavers aged 19-21), and a state cannot be in
      // EET and not: either would leave the flag unread or contradicted.
      const flags = s.flags ?? [];
      if (flags.includes('eet') && (!flags.includes('care_leaver') || flags.includes('neet'))) {
        this.add(pointer('states', i, 'flags'), `eet needs care_leaver and excludes neet, and ${s.id} has ${flags.join(', ')}`);
      }
    });
  }

  private checkBands() {
    const horizon = this.spec.horizonAgeYears;
    const bands = this.spec.ageBands;
    bands.forEach((band, i) => {
      const first = this.bandIndex.get(band.id);
      if (first !== undefined) {
        this.add(pointer('ageBands', i, 'id'), `duplicate age band id "${band.id}" (also ${pointer('ageBands', first, 'id')})`);
      } else {
        this.bandIndex.set(band.id, i);
      }
      if (band.toYears <= band.fromYears) {
        this.add(pointer('ageBands', i, 'toYears'), `must be greater than fromYears (${band.fromYears})`);
      }
    });
    const order = bands.map((_, i) => i).sort((a, b) => bands[a].fromYears - bands[b].fromYears || bands[a].toYears - bands[b].toYears);
    const firstBand = bands[order[0]];
    if (firstBand.fromYears !== 0) {
      this.add(pointer('ageBands', order[0], 'fromYears'), `the first age band must start at age 0, not ${firstBand.fromYears}: ages 0-${firstBand.fromYears - 1} are in no band`);
    }
    for (let k = 1; k < order.length; k++) {
      const previous = bands[order[k - 1]];
      const band = bands[order[k]];
      if (band.fromYears > previous.toYears) {
        this.add(pointer('ageBands', order[k], 'fromYears'), `leaves a gap after band ${previous.id}: ages ${previous.toYears}-${band.fromYears - 1} are in no band`);
      } else if (band.fromYears < previous.toYears) {
        this.add(pointer('ageBands', order[k], 'fromYears'), `overlaps band ${previous.id} (ages ${previous.fromYears}-${previous.toYears - 1})`);
      }
    }
    const lastIndex = order[order.length - 1];
    const last = bands[lastIndex];
    if (last.toYears < horizon) {
      this.add(pointer('ageBands', lastIndex, 'toYears'), `the bands end at age ${last.toYears} but the horizon is ${horizon}: ages ${last.toYears}-${horizon - 1} are in no band`);
    } else if (last.toYears > horizon) {
      this.add(pointer('ageBands', lastIndex, 'toYears'), `the bands run past the horizon: they must end at horizonAgeYears (${horizon}), not ${last.toYears}`);
    }
  }

  private checkTransitions() {
    const spec = this.spec;
    for (const [bandId, rows] of Object.entries(spec.transitions)) {
      const b = this.bandIndex.get(bandId);
      if (b === undefined) {
        this.add(pointer('transitions', bandId), `unknown age band "${bandId}" (bands: ${spec.ageBands.map((x) => x.id).join(', ')})`);
        continue;
      }
      const band = spec.ageBands[b];
      for (const [fromId, row] of Object.entries(rows)) {
        const i = this.stateIndex.get(fromId);
        if (i === undefined) {
          this.add(pointer('transitions', bandId, fromId), `unknown state "${fromId}"`);
          continue;
        }
        if (!this.presentIn(i, band.fromYears, band.toYears)) {
          this.add(
            pointer('transitions', bandId, fromId),
            `${fromId} (${ageRange(this.minAge[i], this.maxAge[i])}) cannot be in band ${bandId} (${ageRange(band.fromYears, band.toYears)}): remove the row`,
          );
        }
        this.hasRow[b][i] = 1;
        let sum = 0;
        for (const [toId, p] of Object.entries(row)) {
          const field = pointer('transitions', bandId, fromId, toId);
          const j = this.stateIndex.get(toId);
          if (j === undefined) this.add(field, `unknown state "${toId}"`);
          if (p < 0 || p > 1) {
            this.add(field, `probability ${formatNumber(p)} is outside [0, 1] (band ${bandId}, from ${fromId} to ${toId})`);
          } else if (j !== undefined && p > 0 && !this.presentIn(j, band.fromYears, band.toYears)) {
            this.add(field, `${toId} (${ageRange(this.minAge[j], this.maxAge[j])}) cannot be reached in band ${bandId} (${ageRange(band.fromYears, band.toYears)})`);
          }
          // Kept even when out of range, so the graph checks below see the transition the author meant.
          if (j !== undefined) this.matrices[b][i * this.n + j] += p;
          sum += p;
        }
        if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
          this.add(pointer('transitions', bandId, fromId), `row sums to ${formatNumber(sum)}, not 1 (band ${bandId}, state ${fromId})`);
        }
      }
    }
    spec.ageBands.forEach((band, b) => {
      if (this.bandIndex.get(band.id) !== b) return;
      if (!Object.hasOwn(spec.transitions, band.id)) {
        this.add(pointer('transitions', band.id), `missing: band ${band.id} has no transition rows`);
        return;
      }
      spec.states.forEach((s, i) => {
        if (this.stateIndex.get(s.id) !== i) return;
        if (this.presentIn(i, band.fromYears, band.toYears) && !this.hasRow[b][i]) {
          const from = Math.max(this.minAge[i], band.fromYears);
          const to = Math.min(this.maxAge[i], band.toYears);
          this.add(pointer('transitions', band.id, s.id), `missing: ${s.id} can be in band ${band.id} (${ageRange(from, to)}) but has no row`);
        }
      });
    });
  }

  /** Expands a selector, reporting unknown states and categories and categories with no state. */
  private selector(items: readonly string[], field: string): number[] {
    const out = new Set<number>();
    items.forEach((item, k) => {
      if (item.startsWith('@')) {
        const category = item.slice(1) as StateCategory;
        if (!(STATE_CATEGORIES as readonly string[]).includes(category)) {
          this.add(`${field}/${k}`, `unknown category "${item}" (categories: ${STATE_CATEGORIES.map((c) => `@${c}`).join(', ')})`);
          return;
        }
        const states = this.categoryStates.get(category) ?? [];
        if (states.length === 0) this.add(`${field}/${k}`, `"${item}" selects nothing: no state has category ${category}`);
        for (const i of states) out.add(i);
      } else {
        const i = this.stateIndex.get(item);
        if (i === undefined) this.add(`${field}/${k}`, `unknown state "${item}"`);
        else out.add(i);
      }
    });
    return [...out].sort((a, b) => a - b);
  }

  private checkAgeTransitions() {
    const horizon = this.spec.horizonAgeYears;
    const claimed = new Map<string, number>();
    (this.spec.ageTransitions ?? []).forEach((rule, k) => {
      const base = pointer('ageTransitions', k);
      const age = rule.atAgeYears;
      if (age >= horizon) this.add(`${base}/atAgeYears`, `must be below the horizon (${horizon})`);
      const from = this.selector(rule.from, `${base}/from`);
      rule.from.forEach((item, m) => {
        const i = this.stateIndex.get(item);
        if (!item.startsWith('@') && i !== undefined && !this.allowedAt(i, age - 1)) {
          this.add(`${base}/from/${m}`, `nobody is in ${item} (${ageRange(this.minAge[i], this.maxAge[i])}) at age ${age - 1}, just before the birthday`);
        }
      });
      for (const i of from) {
        const key = `${age}:${i}`;
        const other = claimed.get(key);
        if (other !== undefined) {
          this.add(`${base}/from`, `${this.spec.states[i].id} is already moved at age ${age} by ${pointer('ageTransitions', other)}`);
        } else {
          claimed.set(key, k);
        }
      }
      const to = new Float64Array(this.n);
      let sum = 0;
      for (const [toId, p] of Object.entries(rule.to)) {
        const field = `${base}/to${pointer(toId)}`;
        const j = this.stateIndex.get(toId);
        if (j === undefined) this.add(field, `unknown state "${toId}"`);
        if (p < 0 || p > 1) {
          this.add(field, `probability ${formatNumber(p)} is outside [0, 1]`);
        } else if (j !== undefined && p > 0 && !this.allowedAt(j, age)) {
          this.add(field, `${toId} is not allowed at age ${age} (${ageRange(this.minAge[j], this.maxAge[j])})`);
        }
        if (j !== undefined) to[j] += p;
        sum += p;
      }
      if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
        this.add(`${base}/to`, `row sums to ${formatNumber(sum)}, not 1 (age transition at ${age})`);
      }
      this.ageRules.push({ age, from, to });
    });
  }

  /** A state people age out of needs an age transition at that age to move them on. */
  private checkAgeingOut() {
    const horizon = this.spec.horizonAgeYears;
    this.spec.states.forEach((s, i) => {
      const max = this.maxAge[i];
      if (!Number.isFinite(max) || max >= horizon || max <= this.minAge[i]) return;
      const moved = this.ageRules.some((rule) => rule.age === max && rule.from.includes(i));
      if (!moved) {
        this.add(pointer('states', i, 'maxAgeYears'), `nobody can be in ${s.id} from age ${max}, but no age transition at ${max} moves people out of it`);
      }
    });
  }

  private checkDiscounting() {
    const periods = this.spec.discounting.periods;
    if (periods[0].fromYear !== 0) {
      this.add(pointer('discounting', 'periods', 0, 'fromYear'), `the first discount period must start at year 0, not ${periods[0].fromYear}`);
    }
    for (let k = 1; k < periods.length; k++) {
      if (periods[k].fromYear <= periods[k - 1].fromYear) {
        this.add(pointer('discounting', 'periods', k, 'fromYear'), `must be later than the previous period's first year (${periods[k - 1].fromYear}): periods must increase`);
      }
    }
  }

  /** The deflator starts at the price base year, runs over consecutive financial years, and is positive. */
  private checkDeflator() {
    const deflator = this.spec.deflator;
    if (!deflator) return;
    const rows = deflator.index;
    if (rows[0].financialYear !== this.spec.priceBaseYear) {
      this.add(pointer('deflator', 'index', 0, 'financialYear'), `must be the price base year ${this.spec.priceBaseYear}, not ${rows[0].financialYear}`);
    }
    rows.forEach((row, k) => {
      const start = Number(row.financialYear.slice(0, 4));
      if (Number(row.financialYear.slice(5)) !== (start + 1) % 100) {
        this.add(pointer('deflator', 'index', k, 'financialYear'), `"${row.financialYear}" is not a financial year (YYYY-YY, consecutive years)`);
      } else if (k > 0 && start !== Number(rows[k - 1].financialYear.slice(0, 4)) + 1) {
        this.add(pointer('deflator', 'index', k, 'financialYear'), `must follow ${rows[k - 1].financialYear}: years must be consecutive`);
      }
      if (!(row.index > 0) || !Number.isFinite(row.index)) this.add(pointer('deflator', 'index', k, 'index'), 'must be a positive number');
    });
  }

  private checkSources() {
    const spec = this.spec;
    const cite = (field: string, ref: string | undefined) => {
      if (ref !== undefined && !Object.hasOwn(spec.sources, ref)) {
        this.add(field, `unknown source "${ref}": every figure must cite an entry of sources`);
      }
    };
    cite(pointer('discounting', 'source'), spec.discounting.source);
    if (spec.deflator) cite(pointer('deflator', 'source'), spec.deflator.source);
    if (spec.transitionSources.length === 0) this.add('/transitionSources', 'must cite at least one source for the transition rates');
    spec.transitionSources.forEach((t, k) => {
      cite(pointer('transitionSources', k, 'source'), t.source);
    });
    (spec.ageTransitions ?? []).forEach((t, k) => {
      cite(pointer('ageTransitions', k, 'source'), t.source);
    });
    spec.unitCosts.forEach((c, k) => {
      cite(pointer('unitCosts', k, 'source'), c.source);
    });
    (spec.eventCosts ?? []).forEach((c, k) => {
      cite(pointer('eventCosts', k, 'source'), c.source);
    });
    (spec.interventions ?? []).forEach((c, k) => {
      cite(pointer('interventions', k, 'source'), c.source);
    });
    (spec.rateFactors ?? []).forEach((c, k) => {
      cite(pointer('rateFactors', k, 'source'), c.source);
    });
    spec.states.forEach((st, k) => {
      if (st.distanceOver20Miles) cite(pointer('states', k, 'distanceOver20Miles', 'source'), st.distanceOver20Miles.source);
    });
  }

  private checkRateUncertainty() {
    const overrides = this.spec.rateUncertainty?.rowConcentration ?? {};
    for (const [bandId, rows] of Object.entries(overrides)) {
      if (!this.bandIndex.has(bandId)) {
        this.add(pointer('rateUncertainty', 'rowConcentration', bandId), `unknown age band "${bandId}"`);
        continue;
      }
      for (const stateId of Object.keys(rows)) {
        if (!this.stateIndex.has(stateId)) this.add(pointer('rateUncertainty', 'rowConcentration', bandId, stateId), `unknown state "${stateId}"`);
      }
    }
  }

  private uniqueIds(list: ReadonlyArray<{ id: string }>, path: string, what: string) {
    const seen = new Map<string, number>();
    list.forEach((item, k) => {
      const first = seen.get(item.id);
      if (first !== undefined) this.add(pointer(path, k, 'id'), `duplicate ${what} id "${item.id}" (also ${pointer(path, first, 'id')})`);
      else seen.set(item.id, k);
    });
  }

  /** A distribution's faults (src/catalog/distribution-rules.ts, shared with scenarios). */
  private distribution(d: DistributionSpec, field: string, kind: QuantityKind) {
    for (const fault of distributionFaults(d, field, kind)) this.add(fault.field, fault.reason);
  }

  private ageLimits(min: number | undefined, max: number | undefined, base: string) {
    if (min !== undefined && max !== undefined && max <= min) this.add(`${base}/maxAgeYears`, `must be greater than minAgeYears (${min})`);
  }

  private checkUnitCosts() {
    this.uniqueIds(this.spec.unitCosts, 'unitCosts', 'unit cost');
    this.spec.unitCosts.forEach((c, k) => {
      const base = pointer('unitCosts', k);
      this.selector(c.states, `${base}/states`);
      this.distribution(c.amount, `${base}/amount`, 'cost');
      this.ageLimits(c.minAgeYears, c.maxAgeYears, base);
    });
  }

  private checkEventCosts() {
    const events = this.spec.eventCosts ?? [];
    this.uniqueIds(events, 'eventCosts', 'event cost');
    events.forEach((e, k) => {
      const base = pointer('eventCosts', k);
      const from = this.selector(e.from, `${base}/from`);
      const to = new Set(this.selector(e.to, `${base}/to`));
      this.distribution(e.amount, `${base}/amount`, 'cost');
      if (e.includeWithinStateMoves) {
        const movers = from.filter((i) => to.has(i) && (this.spec.states[i].withinStatePlacementMoves ?? 0) > 0);
        if (movers.length === 0) {
          this.add(`${base}/includeWithinStateMoves`, 'no state in both from and to has withinStatePlacementMoves, so no within-state move can trigger it');
        }
      }
    });
  }

  /** Whether any transition (monthly or at a birthday) from one of `from` to a different state of `to` is possible. */
  private matchesTransition(from: number[], to: number[]): boolean {
    const n = this.n;
    const targets = new Set(to);
    for (const matrix of this.matrices) {
      for (const i of from) {
        for (const j of targets) if (i !== j && matrix[i * n + j] !== 0) return true;
      }
    }
    return this.ageRules.some((rule) => rule.from.some((i) => from.includes(i) && to.some((j) => i !== j && rule.to[j] !== 0)));
  }

  private effect(from: readonly string[], to: readonly string[], base: string) {
    const fromIdx = this.selector(from, `${base}/from`);
    const toIdx = this.selector(to, `${base}/to`);
    if (fromIdx.length > 0 && toIdx.length > 0 && !this.matchesTransition(fromIdx, toIdx)) {
      this.add(base, 'names no transition with a positive probability, so it would change nothing');
    }
  }

  private checkInterventions() {
    const interventions = this.spec.interventions ?? [];
    this.uniqueIds(interventions, 'interventions', 'intervention');
    interventions.forEach((iv, k) => {
      const base = pointer('interventions', k);
      this.selector(iv.eligibility.states, `${base}/eligibility/states`);
      this.ageLimits(iv.eligibility.minAgeYears, iv.eligibility.maxAgeYears, `${base}/eligibility`);
      if (iv.cost.oneOff !== undefined) this.distribution(iv.cost.oneOff, `${base}/cost/oneOff`, 'cost');
      if (iv.cost.perWeek !== undefined) this.distribution(iv.cost.perWeek, `${base}/cost/perWeek`, 'cost');
      iv.effects.forEach((effect, m) => {
        this.effect(effect.from, effect.to, `${base}/effects/${m}`);
        this.distribution(effect.multiplier, `${base}/effects/${m}/multiplier`, 'multiplier');
      });
    });
  }

  private checkRateFactors() {
    const factors = this.spec.rateFactors ?? [];
    this.uniqueIds(factors, 'rateFactors', 'rate factor');
    factors.forEach((f, k) => {
      const base = pointer('rateFactors', k);
      this.effect(f.from, f.to, base);
      this.distribution(f.multiplier, `${base}/multiplier`, 'multiplier');
    });
  }

  private checkReachability() {
    const n = this.n;
    const reached = new Uint8Array(n);
    for (const matrix of this.matrices) {
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && matrix[i * n + j] !== 0) reached[j] = 1;
    }
    for (const rule of this.ageRules) {
      for (let j = 0; j < n; j++) if (rule.to[j] !== 0 && rule.from.some((i) => i !== j)) reached[j] = 1;
    }
    this.spec.states.forEach((s, j) => {
      if (!reached[j] && this.stateIndex.get(s.id) === j) {
        this.add(pointer('states', j), `unreachable: no transition or age transition leads into ${s.id} from another state`);
      }
    });
  }

  private checkDeadEnds() {
    const n = this.n;
    this.spec.states.forEach((s, i) => {
      if (s.terminal || this.stateIndex.get(s.id) !== i) return;
      const bands = this.spec.ageBands.map((band, b) => ({ band, b })).filter(({ band, b }) => this.hasRow[b][i] && this.presentIn(i, band.fromYears, band.toYears));
      if (bands.length === 0) return;
      const leavesMonthly = bands.some(({ b }) => {
        for (let j = 0; j < n; j++) if (j !== i && this.matrices[b][i * n + j] !== 0) return true;
        return false;
      });
      const leavesAtBirthday = this.ageRules.some((rule) => rule.from.includes(i) && rule.to.some((p, j) => j !== i && p !== 0));
      if (!leavesMonthly && !leavesAtBirthday) {
        this.add(
          pointer('states', i),
          `cannot be left: ${s.id} keeps everyone (probability 1 of staying) in every band it can be in (${bands.map(({ band }) => band.id).join(', ')}) and no age transition moves people out; mark it terminal if it is meant to be absorbing`,
        );
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // The resolved form (only for a model with no errors)

  resolve(): ResolvedModel {
    const spec = this.spec;
    const n = this.n;
    const horizonAgeMonths = spec.horizonAgeYears * 12;
    const selector = (items: readonly string[]) => {
      const out = new Set<number>();
      for (const item of items) {
        if (item.startsWith('@')) for (const i of this.categoryStates.get(item.slice(1) as StateCategory) ?? []) out.add(i);
        else out.add(this.stateIndex.get(item) as number);
      }
      return [...out].sort((a, b) => a - b);
    };

    const states: ResolvedState[] = spec.states.map((s, index) => ({
      index,
      id: s.id,
      label: s.label,
      category: s.category,
      flags: [...(s.flags ?? [])],
      placement: s.placement ?? false,
      minAgeYears: this.minAge[index],
      maxAgeYears: this.maxAge[index],
      terminal: s.terminal ?? false,
      withinStatePlacementMoves: s.withinStatePlacementMoves ?? 0,
    }));
    const categories = Object.fromEntries(STATE_CATEGORIES.map((c) => [c, [...(this.categoryStates.get(c) ?? [])]])) as Record<StateCategory, number[]>;

    const order = spec.ageBands.map((_, b) => b).sort((a, b) => spec.ageBands[a].fromYears - spec.ageBands[b].fromYears);
    const bands: ResolvedAgeBand[] = order.map((b, index) => {
      const band = spec.ageBands[b];
      const present = Uint8Array.from(states, (_, i) => (this.presentIn(i, band.fromYears, band.toYears) ? 1 : 0));
      const transitions = new Float64Array(n * n);
      for (let i = 0; i < n; i++) if (present[i]) transitions.set(this.matrices[b].subarray(i * n, i * n + n), i * n);
      return {
        index,
        id: band.id,
        fromYears: band.fromYears,
        toYears: band.toYears,
        fromMonths: band.fromYears * 12,
        toMonths: band.toYears * 12,
        transitions,
        present,
      };
    });
    const bandOfAgeMonth = new Int32Array(horizonAgeMonths);
    for (const band of bands) bandOfAgeMonth.fill(band.index, band.fromMonths, band.toMonths);

    const ageTransitions: ResolvedAgeTransition[] = (spec.ageTransitions ?? [])
      .map((rule, k) => ({
        atAgeYears: rule.atAgeYears,
        atAgeMonths: rule.atAgeYears * 12,
        from: this.ageRules[k].from,
        to: this.ageRules[k].to,
        source: rule.source,
      }))
      .sort((a, b) => a.atAgeYears - b.atAgeYears);

    const uncertainty = spec.rateUncertainty;
    const rateUncertainty = uncertainty
      ? {
          concentration: uncertainty.concentration,
          rowConcentration: bands.map((band) => {
            const row = new Float64Array(n).fill(uncertainty.concentration);
            for (const [stateId, c] of Object.entries(uncertainty.rowConcentration?.[band.id] ?? {})) row[this.stateIndex.get(stateId) as number] = c;
            return row;
          }),
        }
      : undefined;

    const toMonthly = { week: WEEKS_PER_MONTH, month: 1, year: 1 / 12 } as const;
    return {
      spec,
      id: spec.id,
      version: spec.version,
      name: spec.name,
      hash: modelContentHash(spec),
      currency: spec.currency,
      priceBaseYear: spec.priceBaseYear,
      horizonAgeYears: spec.horizonAgeYears,
      horizonAgeMonths,
      nStates: n,
      states,
      stateIndex: Object.fromEntries(states.map((s) => [s.id, s.index])),
      categories,
      bands,
      bandOfAgeMonth,
      ageTransitions,
      discountPeriods: spec.discounting.periods.map((p) => ({ fromYear: p.fromYear, rate: p.rate })),
      discountSource: spec.discounting.source,
      rateUncertainty,
      rateFactors: (spec.rateFactors ?? []).map((f) => ({
        id: f.id,
        label: f.label,
        from: selector(f.from),
        to: selector(f.to),
        multiplier: resolveDistribution(f.multiplier),
        source: f.source,
      })),
      unitCosts: spec.unitCosts.map((c) => ({
        id: c.id,
        label: c.label,
        states: selector(c.states),
        amount: resolveDistribution(c.amount),
        per: c.per,
        toMonthly: toMonthly[c.per],
        agency: c.agency,
        cashable: c.cashable ?? true,
        placementFee: c.placementFee ?? false,
        minAgeMonths: (c.minAgeYears ?? 0) * 12,
        maxAgeMonths: c.maxAgeYears === undefined ? Number.POSITIVE_INFINITY : c.maxAgeYears * 12,
        source: c.source,
        priceYear: c.priceYear,
        note: c.note,
      })),
      eventCosts: (spec.eventCosts ?? []).map((e) => ({
        id: e.id,
        label: e.label,
        from: selector(e.from),
        to: selector(e.to),
        amount: resolveDistribution(e.amount),
        agency: e.agency,
        cashable: e.cashable ?? true,
        includeWithinStateMoves: e.includeWithinStateMoves ?? false,
        source: e.source,
        note: e.note,
      })),
      interventions: (spec.interventions ?? []).map((iv) => ({
        id: iv.id,
        label: iv.label,
        eligibleStates: selector(iv.eligibility.states),
        minAgeMonths: Math.round((iv.eligibility.minAgeYears ?? 0) * 12),
        maxAgeMonths: iv.eligibility.maxAgeYears === undefined ? Number.POSITIVE_INFINITY : Math.round(iv.eligibility.maxAgeYears * 12),
        oneOff: iv.cost.oneOff === undefined ? undefined : resolveDistribution(iv.cost.oneOff),
        perWeek: iv.cost.perWeek === undefined ? undefined : resolveDistribution(iv.cost.perWeek),
        durationMonths: iv.cost.durationMonths,
        effectDurationMonths: iv.effectDurationMonths ?? iv.cost.durationMonths,
        agency: iv.cost.agency,
        effects: iv.effects.map((e) => ({ from: selector(e.from), to: selector(e.to), multiplier: resolveDistribution(e.multiplier) })),
        source: iv.source,
        note: iv.note,
      })),
    };
  }
}

/** The spec's distribution with defaults filled in: a plain number becomes fixed, PERT gets lambda 4. */
export const resolveDistribution: (d: DistributionSpec) => ResolvedDistribution = toDistribution;
