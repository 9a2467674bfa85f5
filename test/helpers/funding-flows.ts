import type { RunFlows } from '../../src/finance/funding.ts';

/** One run's flows for funding tests: `years` × `agencies` (pence, [y × agencies + a]), all zero unless given. */
export function runFlows(years: number, agencies: number, given: Partial<RunFlows> = {}): RunFlows {
  const zeros = () => new Array<number>(years * agencies).fill(0);
  return {
    years,
    agencies,
    costs: zeros(),
    benefits: zeros(),
    cashableBenefits: zeros(),
    serviceCosts: zeros(),
    baselineCareWeeks: new Array<number>(years).fill(0),
    strategyCareWeeks: new Array<number>(years).fill(0),
    ...given,
  };
}
