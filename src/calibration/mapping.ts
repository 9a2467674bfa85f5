import { Type } from 'typebox';
import Ajv from 'ajv';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import { BadRequestError, type FieldError, UnprocessableError } from '../services/errors.ts';
import { validationErrors } from '../schemas/validation-words.ts';
import { codeStatus, normaliseCode } from './code-lists.ts';
import defaultMappingJson from './ssda903-mapping.json' with { type: 'json' };

/**
 * The table from SSDA903 codes to model states is data: ssda903-mapping.json, committed, with a
 * note per code saying why. An authority overrides part of it (its model may split residential
 * care by provider, or have a state for children placed with parents) with a partial table that
 * is merged over the default and validated: codes must be in the return's code lists, states
 * must be states of the model being calibrated.
 *
 * Special targets: `@previous` (a placement code that keeps the state of the placement before
 * it: temporary absences), `@activity` (a care leaver accommodation code whose state follows the
 * activity code: independent in or out of education, employment or training), and a list of
 * states (an exit whose destination is one of several states in unknown shares: the count is
 * split in the proportions of the prior model's row).
 */

export const PREVIOUS = '@previous';
export const BY_ACTIVITY = '@activity';

const StateOrNull = Type.Union([Type.String({ maxLength: 64 }), Type.Null()]);
const ExitTarget = Type.Union([Type.String({ maxLength: 64 }), Type.Array(Type.String({ maxLength: 64 }), { minItems: 1 }), Type.Null()]);

const PlacementRule = Type.Object(
  {
    state: Type.Optional(StateOrNull),
    byProvider: Type.Optional(Type.Record(Type.String(), StateOrNull)),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const ExitRule = Type.Object(
  {
    under18: Type.Optional(ExitTarget),
    from18: Type.Optional(ExitTarget),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const CareLeaverOverride = Type.Object(
  {
    inTouch: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Literal('observed'), Type.Null()]))),
    accommodation: Type.Optional(Type.Record(Type.String(), StateOrNull)),
    activity: Type.Optional(Type.Record(Type.String(), StateOrNull)),
  },
  { additionalProperties: false },
);

/** A partial table an authority merges over the default. */
export const MappingOverride = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64 })),
    version: Type.Optional(Type.String({ maxLength: 32 })),
    description: Type.Optional(Type.String()),
    placements: Type.Optional(Type.Record(Type.String(), PlacementRule)),
    exits: Type.Optional(Type.Record(Type.String(), ExitRule)),
    careLeavers: Type.Optional(CareLeaverOverride),
  },
  { additionalProperties: false },
);

export interface PlacementRuleSpec {
  state?: string | null;
  byProvider?: Record<string, string | null>;
  note?: string;
}

export type ExitTargetSpec = string | string[] | null;

export interface ExitRuleSpec {
  under18: ExitTargetSpec;
  from18: ExitTargetSpec;
  note?: string;
}

export interface Ssda903Mapping {
  id: string;
  version: string;
  description?: string;
  sources?: { title: string; publisher: string; url?: string }[];
  /** The return's code lists, by column. */
  codeLists: Record<string, string[]>;
  /** Codes from earlier editions of the guidance still accepted (reported as legacy), by column. */
  legacyCodes: Record<string, Record<string, string>>;
  /** Return years a code is valid in, by column and code (see code-lists.ts); unlisted codes are valid in every year. */
  codeYears?: Record<string, Record<string, { from?: number; to?: number }>>;
  placements: Record<string, PlacementRuleSpec>;
  exits: Record<string, ExitRuleSpec>;
  careLeavers: {
    inTouch: Record<string, 'observed' | null>;
    accommodation: Record<string, string | null>;
    activity: Record<string, string | null>;
  };
}

export interface MappingOverrideSpec {
  id?: string;
  version?: string;
  description?: string;
  placements?: Record<string, PlacementRuleSpec>;
  exits?: Record<string, Partial<ExitRuleSpec>>;
  careLeavers?: Partial<Ssda903Mapping['careLeavers']>;
}

export const DEFAULT_MAPPING: Ssda903Mapping = defaultMappingJson as unknown as Ssda903Mapping;

const checkOverride = new Ajv.default({ allErrors: true, strict: false }).compile(MappingOverride);

/** Whether a code is in the column's list (in any year) or a legacy list; compared trimmed and in upper case. */
export function isKnownCode(mapping: Ssda903Mapping, column: string, code: string): 'current' | 'legacy' | false {
  const status = codeStatus(mapping, column, normaliseCode(code));
  return status === 'out_of_year' ? 'current' : status;
}

/** Codes in an override compared as in the files: trimmed and in upper case ("z12" is Z12). */
function upperCaseCodes(o: MappingOverrideSpec): MappingOverrideSpec {
  const keys = <T>(record: Record<string, T> | undefined): Record<string, T> | undefined =>
    record === undefined ? undefined : Object.fromEntries(Object.entries(record).map(([k, v]) => [normaliseCode(k), v]));
  return {
    ...o,
    ...(o.placements ? { placements: Object.fromEntries(Object.entries(o.placements).map(([k, rule]) => [normaliseCode(k), rule.byProvider ? { ...rule, byProvider: keys(rule.byProvider)! } : rule])) } : {}),
    ...(o.exits ? { exits: keys(o.exits)! } : {}),
    ...(o.careLeavers
      ? {
          careLeavers: {
            ...(o.careLeavers.inTouch ? { inTouch: keys(o.careLeavers.inTouch)! } : {}),
            ...(o.careLeavers.accommodation ? { accommodation: keys(o.careLeavers.accommodation)! } : {}),
            ...(o.careLeavers.activity ? { activity: keys(o.careLeavers.activity)! } : {}),
          },
        }
      : {}),
  };
}

/** The default table with an authority's partial table merged over it; throws on a bad override. */
export function mergeMapping(base: Ssda903Mapping, override: unknown): Ssda903Mapping {
  if (!checkOverride(override)) {
    // Ajv's errors, folded as the API folds them: one reason a field, an unknown field named
    // itself (TypeBox's checker reports "schema is false" there and names the parent).
    const errors: FieldError[] = validationErrors('', checkOverride.errors ?? []).map((e) => ({ ...e, field: e.field || '/' }));
    throw new BadRequestError('The SSDA903 mapping override is not a valid partial table', errors);
  }
  const o = upperCaseCodes(override as MappingOverrideSpec);
  const errors: FieldError[] = [];
  for (const [code, rule] of Object.entries(o.placements ?? {})) {
    if (!isKnownCode(base, 'PLACE', code)) errors.push({ field: `/placements/${code}`, reason: 'is not a PLACE code of the return' });
    if (rule.state === undefined && rule.byProvider === undefined) errors.push({ field: `/placements/${code}`, reason: 'needs state or byProvider' });
    for (const provider of Object.keys(rule.byProvider ?? {})) {
      if (!isKnownCode(base, 'PLACE_PROVIDER', provider)) errors.push({ field: `/placements/${code}/byProvider/${provider}`, reason: 'is not a PLACE_PROVIDER code' });
    }
  }
  for (const code of Object.keys(o.exits ?? {})) {
    if (!isKnownCode(base, 'REC', code) || code === 'X1') errors.push({ field: `/exits/${code}`, reason: 'is not a REC exit code of the return' });
  }
  for (const code of Object.keys(o.careLeavers?.inTouch ?? {})) {
    if (!isKnownCode(base, 'IN_TOUCH', code)) errors.push({ field: `/careLeavers/inTouch/${code}`, reason: 'is not an IN_TOUCH code' });
  }
  for (const code of Object.keys(o.careLeavers?.activity ?? {})) {
    if (!isKnownCode(base, 'ACTIV', code)) errors.push({ field: `/careLeavers/activity/${code}`, reason: 'is not an ACTIV code' });
  }
  const accommodationLetters = new Set(base.codeLists.ACCOM.map((c) => c[0]).filter((c) => c !== '0'));
  for (const letter of Object.keys(o.careLeavers?.accommodation ?? {})) {
    if (!accommodationLetters.has(letter)) errors.push({ field: `/careLeavers/accommodation/${letter}`, reason: 'is not an ACCOM letter' });
  }
  if (errors.length) throw new BadRequestError('The SSDA903 mapping override names codes the return does not have', errors);

  const exits: Record<string, ExitRuleSpec> = { ...base.exits };
  for (const [code, rule] of Object.entries(o.exits ?? {})) {
    const before = base.exits[code] ?? { under18: null, from18: null };
    exits[code] = {
      under18: rule.under18 === undefined ? before.under18 : rule.under18,
      from18: rule.from18 === undefined ? before.from18 : rule.from18,
      ...(rule.note !== undefined ? { note: rule.note } : before.note !== undefined ? { note: before.note } : {}),
    };
  }
  return {
    ...base,
    id: o.id ?? `${base.id}+override`,
    version: o.version ?? base.version,
    ...(o.description !== undefined ? { description: o.description } : {}),
    placements: { ...base.placements, ...(o.placements ?? {}) },
    exits,
    careLeavers: {
      inTouch: { ...base.careLeavers.inTouch, ...(o.careLeavers?.inTouch ?? {}) },
      accommodation: { ...base.careLeavers.accommodation, ...(o.careLeavers?.accommodation ?? {}) },
      activity: { ...base.careLeavers.activity, ...(o.careLeavers?.activity ?? {}) },
    },
  };
}

/** Every state the table can produce, with where it is named (for validation against a model). */
function namedStates(mapping: Ssda903Mapping): { state: string; field: string }[] {
  const out: { state: string; field: string }[] = [];
  const add = (state: string | null | undefined, field: string) => {
    if (typeof state === 'string' && state !== PREVIOUS && state !== BY_ACTIVITY) out.push({ state, field });
  };
  for (const [code, rule] of Object.entries(mapping.placements)) {
    add(rule.state, `/placements/${code}/state`);
    for (const [provider, state] of Object.entries(rule.byProvider ?? {})) add(state, `/placements/${code}/byProvider/${provider}`);
  }
  for (const [code, rule] of Object.entries(mapping.exits)) {
    for (const key of ['under18', 'from18'] as const) {
      const target = rule[key];
      if (Array.isArray(target)) for (const [i, s] of target.entries()) add(s, `/exits/${code}/${key}/${i}`);
      else add(target, `/exits/${code}/${key}`);
    }
  }
  for (const [letter, state] of Object.entries(mapping.careLeavers.accommodation)) add(state, `/careLeavers/accommodation/${letter}`);
  for (const [code, state] of Object.entries(mapping.careLeavers.activity)) add(state, `/careLeavers/activity/${code}`);
  return out;
}

/** Throws UnprocessableError when the table names a state the model does not have, or misuses a special target. */
export function validateMappingForModel(mapping: Ssda903Mapping, model: CostModelSpec): void {
  const ids = new Set(model.states.map((s) => s.id));
  const errors: FieldError[] = namedStates(mapping)
    .filter(({ state }) => !ids.has(state))
    .map(({ state, field }) => ({ field, reason: `names state ${state}, which model ${model.id} does not have` }));
  for (const [code, rule] of Object.entries(mapping.placements)) {
    for (const [provider, state] of Object.entries(rule.byProvider ?? {})) {
      if (state === PREVIOUS || state === BY_ACTIVITY) errors.push({ field: `/placements/${code}/byProvider/${provider}`, reason: 'special targets are not allowed by provider' });
    }
    if (rule.state === BY_ACTIVITY) errors.push({ field: `/placements/${code}/state`, reason: '@activity is for care leaver accommodation only' });
  }
  for (const [letter, state] of Object.entries(mapping.careLeavers.activity)) {
    if (state === BY_ACTIVITY || state === PREVIOUS) errors.push({ field: `/careLeavers/activity/${letter}`, reason: 'an activity must map to a state or null' });
  }
  if (errors.length) throw new UnprocessableError(`The SSDA903 mapping does not fit model ${model.id}`, errors);
}

/** The state (or `@previous`, or null for none) of a placement, given its provider. */
export function placementTarget(mapping: Ssda903Mapping, place: string, provider: string): string | null {
  const rule = mapping.placements[place];
  if (!rule) return null;
  if (rule.byProvider) {
    const byProvider = rule.byProvider[provider];
    if (byProvider !== undefined) return byProvider;
  }
  return rule.state ?? null;
}

/**
 * The states a placement may be in: one state (or `@previous`), or, when PLACE_PROVIDER is blank
 * for a code whose state depends on the provider (U4-U6: in-house or agency foster care), every
 * state its providers map to, in unknown shares (split in the prior's proportions, as an exit to
 * several states is); null when none.
 */
export function placementStates(mapping: Ssda903Mapping, place: string, provider: string): string[] | null {
  const rule = mapping.placements[place];
  if (!rule) return null;
  if (provider === '' && rule.byProvider && rule.byProvider[''] === undefined) {
    const states = [...new Set(Object.values(rule.byProvider).filter((s): s is string => typeof s === 'string' && s !== PREVIOUS && s !== BY_ACTIVITY))].sort();
    if (states.length > 0) return states;
  }
  const target = placementTarget(mapping, place, provider);
  return target === null ? null : [target];
}

/** The destination of an exit: a state, several states in unknown shares, or null (observation ends). */
export function exitTarget(mapping: Ssda903Mapping, rec: string, ageYears: number): ExitTargetSpec {
  const rule = mapping.exits[rec];
  if (!rule) return null;
  return ageYears >= 18 ? rule.from18 : rule.under18;
}

/**
 * A care leaver's state from an OC3 record, or null when not observed. `allowed` says whether a
 * state may hold at this age (staying put ends at 21); when it may not, the activity decides.
 */
export function careLeaverState(
  mapping: Ssda903Mapping,
  record: { inTouch: string; activity: string; accommodation: string },
  allowed: (state: string) => boolean,
): string | null {
  if (mapping.careLeavers.inTouch[record.inTouch] !== 'observed') return null;
  const byActivity = mapping.careLeavers.activity[record.activity] ?? null;
  const letter = record.accommodation.slice(0, 1);
  const byAccommodation = mapping.careLeavers.accommodation[letter];
  if (byAccommodation === undefined || byAccommodation === null) return null;
  if (byAccommodation === BY_ACTIVITY) return byActivity;
  if (!allowed(byAccommodation)) return byActivity;
  return byAccommodation;
}
