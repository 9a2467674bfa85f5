import { type TSchema, Type } from 'typebox';

/**
 * A run's funding as the comparison answer and the comparison page show it (src/export/funding.ts
 * FundingView): who pays and who gains, the pool's partners, each outcomes contract with the
 * commissioner and the investor side by side, and reinvestment. Pounds at the model's price base,
 * present values over the years followed. Figures the disclosure rule withholds are null, with
 * the reason in `withheld`.
 */

const Range = Type.Object(
  { mean: Type.Number(), p5: Type.Number(), p10: Type.Number(), p50: Type.Number(), p90: Type.Number(), p95: Type.Number() },
  { description: 'Mean and percentiles over the runs' },
);
const Withholdable = Type.Union([Range, Type.Null()], { description: 'Null when withheld (see withheld)' });
const Withheld = Type.Union([Type.String(), Type.Null()], { description: 'Why the figures are withheld (money for a group of fewer than 5 children, or outcomes that would give a hidden count away); null when shown' });

export const FundingViewSchema = Type.Union(
  [
    Type.Object({
      organisations: Type.Array(
        Type.Object({
          organisation: Type.String(),
          name: Type.String(),
          role: Type.String({ description: 'invests, saves, invests and saves, pays more or no change (expected present values)' }),
          presentCosts: Range,
          presentBenefits: Range,
          presentNet: Range,
          presentIncome: Withholdable,
          presentNetAfterIncome: Withholdable,
        }),
        { description: 'Who pays and who gains: each organisation’s present costs, benefits and net (the nets sum to the scenario’s NPV in every run), its income and net after income' },
      ),
      income: Type.Array(
        Type.Object({
          id: Type.String(),
          kind: Type.String({ description: 'grant or payment_by_results' }),
          organisation: Type.String(),
          name: Type.String(),
          conditionMet: Type.Union([Type.Boolean(), Type.Null()]),
          outcome: Type.Union([Type.String(), Type.Null()]),
          basis: Type.Union([Type.String(), Type.Null()]),
          ratePerOutcome: Type.Union([Type.Number(), Type.Null()]),
          withheld: Withheld,
          presentValue: Withholdable,
        }),
        { description: 'Income lines: grants and payment by results, present value' },
      ),
      netAfterIncome: Withholdable,
      pooledBudget: Type.Union([
        Type.Object({
          services: Type.Array(Type.String()),
          withheld: Withheld,
          partners: Type.Array(Type.Object({ organisation: Type.String(), name: Type.String(), contribution: Type.Number(), riskShare: Type.Number(), presentNet: Withholdable })),
          outside: Type.Object({ presentNet: Withholdable }, { description: 'Organisations outside the partnership, together' }),
        }),
        Type.Null(),
      ]),
      outcomesContracts: Type.Array(
        Type.Object({
          id: Type.String(),
          outcome: Type.String(),
          basis: Type.String({ description: 'modelled_counterfactual or historical_baseline' }),
          withheld: Withheld,
          pricePerOutcome: Type.Number(),
          outcomes: Withholdable,
          payments: Withholdable,
          commissioner: Type.Object({ presentNet: Withholdable }, { description: 'Net saving after outcome payments, present value' }),
          investor: Type.Object({
            funded: Withholdable,
            received: Withholdable,
            presentNet: Withholdable,
            moneyMultiple: Type.Union([Type.Number(), Type.Null()], { description: 'Expected received / expected funded; null when withheld or nothing was funded' }),
            irr: Type.Union([Range, Type.Null()], { description: 'Annual IRR over the runs where it is defined; null when withheld or never defined' }),
            runsWithIrr: Type.Union([Type.Integer(), Type.Null()]),
            probabilityLoses: Type.Union([Type.Number(), Type.Null()], { description: 'Share of runs in which the investor gets back less than it put in' }),
          }),
          priceBounds: Type.Object(
            { price: Type.Number(), deliveryCostPerOutcome: Type.Union([Type.Number(), Type.Null()]), valuePerOutcomeToPayer: Type.Union([Type.Number(), Type.Null()]) },
            { description: 'Price per outcome against its bounds (Government Outcomes Lab): the delivery cost below, the value to the payer above' },
          ),
        }),
      ),
      reinvestment: Type.Union([Type.Object({ share: Type.Number(), presentReinvested: Range, presentRetained: Range, dueAfterHorizon: Range }), Type.Null()]),
    }),
    Type.Null(),
  ],
  { description: 'How the run’s strategy is paid for (issue 16), with the disclosure rule applied; null when the scenario gives no funding' },
);

/**
 * The run answer's funding schema as roles without individual access read it: the same shape,
 * with every figure allowed to be null (withheld by the disclosure rule, src/export/funding.ts
 * withholdFundingResult) and each object allowed a `withheld` reason. Built from the schema the
 * engine's answer is documented by, so the two cannot drift apart.
 */
export function withholdableFunding(schema: TSchema, summary: TSchema): TSchema {
  const s = schema as TSchema & { type?: string; anyOf?: TSchema[]; items?: TSchema; properties?: Record<string, TSchema>; description?: string };
  const options = s.description ? { description: s.description } : {};
  if (s === summary) return Type.Union([summary, Type.Null()], { description: 'Null when withheld (see withheld)' });
  if (s.type === 'number' || s.type === 'integer') return Type.Union([s, Type.Null()]);
  if (s.anyOf) return Type.Union(s.anyOf.map((member) => withholdableFunding(member, summary)), options);
  if (s.type === 'array' && s.items) return Type.Array(withholdableFunding(s.items, summary), options);
  if (s.type === 'object' && s.properties) {
    const properties = Object.fromEntries(Object.entries(s.properties).map(([key, value]) => [key, withholdableFunding(value, summary)]));
    return Type.Object({ ...properties, withheld: Type.Optional(Type.String({ description: 'Why figures here are withheld (roles without individual access)' })) }, options);
  }
  return s;
}
