import { Type, type Static } from 'typebox';
import { SAFE_TEXT_PATTERN } from '../schemas/young-people.ts';
import { AGENCIES } from './vocabulary.ts';

/**
 * How a scenario's strategy is paid for (issue 16): organisations holding agencies' budgets,
 * reinvestment of cashable savings, a pooled budget, outcomes contracts. Optional; without it a
 * run reports invest-to-save by agency only. Checked against the model and the strategy by
 * src/catalog/validate-funding.ts.
 */

/**
 * The most care weeks a year a historical baseline may give: 52.18 weeks × 10,000 children looked
 * after all year. No English authority comes near it (the largest look after about 2,000 children;
 * England as a whole about 83,600, DfE SSDA903 2024), so a larger figure is a typing slip, and
 * refusing it keeps every payment (at most £10m a week × 521,800 weeks a year) a finite figure the
 * run answer can carry. Basis: 52.18 weeks a year (365.25 ÷ 7) × 10,000 children.
 */
export const MAX_HISTORICAL_CARE_WEEKS = 521_800;
const HistoricalWeeks = Type.Number({ minimum: 0, maximum: MAX_HISTORICAL_CARE_WEEKS });

/** Names and labels end up in packs and spreadsheets: the free-text rule of tokens and care plans (no control characters, no leading =, +, -, @ or space). */
const SafeText = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: SAFE_TEXT_PATTERN, description: `${description ? `${description}. ` : ''}May not start with =, +, -, @ or a space (a spreadsheet would run it as a formula)` });

const OrgId = Type.String({ pattern: '^[a-z0-9][a-z0-9-_]*$', maxLength: 64 });
const Share = Type.Number({ minimum: 0, maximum: 1 });
const YearlyShare = Type.Union([Share, Type.Array(Share, { minItems: 1, maxItems: 40 })], {
  description: 'A share: one for every year, or one per year from the first (the last carries on), for a phased move',
});
const YearlyPounds = (description: string) =>
  Type.Union([Type.Number({ minimum: 0, maximum: 1e10 }), Type.Array(Type.Number({ minimum: 0, maximum: 1e10 }), { minItems: 1, maxItems: 40 })], {
    description: `${description}: one figure for every year, or one per year from the first (the last carries on)`,
  });

export const FundingOrganisation = Type.Object(
  {
    id: OrgId,
    name: SafeText(200),
    holds: Type.Array(
      Type.Object({ agency: Type.Enum([...AGENCIES]), share: YearlyShare }, { additionalProperties: false }),
      { minItems: 1, maxItems: 12, description: 'The agencies whose budgets (or shares of them, for shared posts and services) it holds' },
    ),
  },
  { additionalProperties: false },
);

export const PooledBudget = Type.Object(
  {
    services: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 6, description: 'Commissioned interventions of the strategy the pool pays for' }),
    annualBudget: YearlyPounds('The pool’s planned budget a year, pounds'),
    partners: Type.Array(
      Type.Object(
        {
          organisation: OrgId,
          contribution: Type.Number({ minimum: 0, maximum: 1, description: 'Share of the planned budget it pays in' }),
          riskShare: Type.Number({ minimum: 0, maximum: 1, description: 'Share of any overspend it meets (and of any underspend it gets back)' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
  },
  { additionalProperties: false, description: 'A pooled budget between partners (NHS Act 2006 section 75 style)' },
);

export const OutcomesContract = Type.Object(
  {
    id: OrgId,
    services: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 6, description: 'Commissioned interventions the investor funds in the contract years' }),
    outcome: Type.String({ maxLength: 64, description: 'The outcome paid for; care_weeks_avoided (weeks of care avoided, from the year-end census)' }),
    pricePerOutcome: Type.Number({ minimum: 0, maximum: 1e7, description: 'Pounds paid per outcome' }),
    basis: Type.Enum(['modelled_counterfactual', 'historical_baseline'], {
      description: 'modelled_counterfactual: against the paired baseline run; historical_baseline: against historicalBaseline, whatever would have happened',
    }),
    historicalBaseline: Type.Optional(
      Type.Union([HistoricalWeeks, Type.Array(HistoricalWeeks, { minItems: 1, maxItems: 40 })], {
        description: `Outcome units a year at the historical rate (care weeks), for basis historical_baseline; at most ${MAX_HISTORICAL_CARE_WEEKS.toLocaleString('en-GB')} (52.18 weeks × 10,000 children looked after)`,
      }),
    ),
    cap: Type.Optional(Type.Number({ minimum: 0, maximum: 1e10, description: 'Total payments cap, pounds' })),
    annualCap: Type.Optional(Type.Number({ minimum: 0, maximum: 1e10, description: 'Payments cap a year, pounds' })),
    paymentLagYears: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, default: 1, description: 'Years after the outcome year a payment is made' })),
    contractYears: Type.Integer({ minimum: 1, maximum: 30, description: 'Years from the first in which outcomes are measured and the service is funded by the investor' }),
  },
  { additionalProperties: false, description: 'An outcomes-based contract or social impact bond' },
);

export const IncomeLine = Type.Object(
  {
    id: OrgId,
    kind: Type.Enum(['grant', 'payment_by_results'], {
      description: 'grant: fixed amounts by financial year; payment_by_results: a rate per outcome the model measures, as an outcomes contract measures it',
    }),
    to: Type.String({ maxLength: 64, description: 'The organisation receiving it: a declared organisation, or an agency nobody holds' }),
    label: Type.Optional(SafeText(200)),
    source: Type.Optional(SafeText(500, 'Where the amount or rate comes from, or that it is an illustrative assumption')),
    amounts: Type.Optional(
      Type.Array(
        Type.Object(
          { year: Type.String({ description: 'Financial year, e.g. 2026-27, within the lifetime horizon' }), amount: Type.Number({ minimum: 0, maximum: 1e10, description: 'Pounds' }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 40, description: 'grant: the amounts received, by financial year' },
      ),
    ),
    condition: Type.Optional(
      Type.Object(
        { commissions: Type.String({ maxLength: 64, description: 'An intervention of the model: the grant is received only if the strategy commissions it' }) },
        { additionalProperties: false, description: 'grant: received only on this condition' },
      ),
    ),
    outcome: Type.Optional(Type.String({ maxLength: 64, description: 'payment_by_results: the outcome paid for; care_weeks_avoided (as outcomesContracts)' })),
    ratePerOutcome: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7, description: 'payment_by_results: pounds per outcome' })),
    basis: Type.Optional(Type.Enum(['modelled_counterfactual', 'historical_baseline'], { description: 'payment_by_results: as outcomesContracts' })),
    historicalBaseline: Type.Optional(
      Type.Union([HistoricalWeeks, Type.Array(HistoricalWeeks, { minItems: 1, maxItems: 40 })], {
        description: `payment_by_results, basis historical_baseline: care weeks a year; at most ${MAX_HISTORICAL_CARE_WEEKS.toLocaleString('en-GB')} (52.18 weeks × 10,000 children looked after)`,
      }),
    ),
    cap: Type.Optional(Type.Number({ minimum: 0, maximum: 1e10, description: 'payment_by_results: total cap, pounds' })),
    annualCap: Type.Optional(Type.Number({ minimum: 0, maximum: 1e10, description: 'payment_by_results: cap a year, pounds' })),
    paymentLagYears: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, default: 1, description: 'payment_by_results: years after the outcome year a payment is received' })),
    measurementYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'payment_by_results: years from the first in which outcomes are measured' })),
  },
  { additionalProperties: false, description: 'Income from outside the scenario’s parties: a grant or payment-by-results income, with its conditions' },
);

export const Funding = Type.Object(
  {
    organisations: Type.Optional(Type.Array(FundingOrganisation, { minItems: 1, maxItems: 10 })),
    reinvestment: Type.Optional(
      Type.Object(
        { share: Type.Number({ minimum: 0, maximum: 1, description: 'Share of each year’s net cashable saving reinvested from the next year' }), label: Type.Optional(SafeText(200)) },
        { additionalProperties: false },
      ),
    ),
    pooledBudget: Type.Optional(PooledBudget),
    outcomesContracts: Type.Optional(Type.Array(OutcomesContract, { minItems: 1, maxItems: 4 })),
    income: Type.Optional(Type.Array(IncomeLine, { minItems: 1, maxItems: 10 })),
  },
  { additionalProperties: false, description: 'How the strategy is paid for: organisations, reinvestment, a pooled budget, outcomes contracts, income' },
);

export type FundingSpec = Static<typeof Funding>;
