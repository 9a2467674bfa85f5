import type { CostModelSpec } from '../catalog/model-schema.ts';

/** Reading a cost model's structure the way calibration and the backtest need it. */

export type AgeBandSpec = CostModelSpec['ageBands'][number];
export type TransitionRowSpec = Record<string, number>;
export type AgeTransitionSpec = NonNullable<CostModelSpec['ageTransitions']>[number];

/** State ids for a selector: ids as given, `@category` for every state of that category. */
export function resolveSelector(model: CostModelSpec, selector: readonly string[]): string[] {
  const out = new Set<string>();
  for (const item of selector) {
    if (item.startsWith('@')) {
      const category = item.slice(1);
      for (const s of model.states) if (s.category === category) out.add(s.id);
    } else {
      out.add(item);
    }
  }
  return [...out];
}

export function bandForAge(model: CostModelSpec, ageYears: number): AgeBandSpec | undefined {
  return model.ageBands.find((b) => ageYears >= b.fromYears && ageYears < b.toYears);
}

/** The age transition applying to `state` in the month of the birthday reaching `ageYears`, if any. */
export function ageTransitionFor(model: CostModelSpec, ageYears: number, state: string): { index: number; spec: AgeTransitionSpec } | undefined {
  const list = model.ageTransitions ?? [];
  for (let index = 0; index < list.length; index++) {
    const spec = list[index];
    if (spec.atAgeYears === ageYears && resolveSelector(model, spec.from).includes(state)) return { index, spec };
  }
  return undefined;
}

/** Whether a state may be occupied at an age (its minimum and maximum ages). */
export function stateAllowedAt(model: CostModelSpec, state: string, ageYears: number): boolean {
  const s = model.states.find((x) => x.id === state);
  if (!s) return false;
  if (s.minAgeYears !== undefined && ageYears < s.minAgeYears) return false;
  if (s.maxAgeYears !== undefined && ageYears >= s.maxAgeYears) return false;
  return true;
}

/** Row × matrix for one monthly step restricted to a band's rows; states without a row stay put. */
export function stepDistribution(rows: Record<string, TransitionRowSpec> | undefined, distribution: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [from, mass] of distribution) {
    if (mass === 0) continue;
    const row = rows?.[from];
    if (!row) {
      out.set(from, (out.get(from) ?? 0) + mass);
      continue;
    }
    for (const [to, p] of Object.entries(row)) {
      if (p !== 0) out.set(to, (out.get(to) ?? 0) + mass * p);
    }
  }
  return out;
}
