import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../app.ts';
import { modelNamedBy, scenarioContentHash } from '../catalog/scenario-catalog.ts';
import { validateScenario } from '../catalog/validate-scenario.ts';
import { loadConfig } from '../config/index.ts';
import { appendAuditEvent } from '../db/repositories/audit.ts';
import { findScenarioVersions } from '../db/repositories/scenarios.ts';
import { loadDemoCohortIfEmpty } from '../demo/load-demo-cohort.ts';
import { DomainError } from '../services/errors.ts';
import { executeScenarioRun, persistScenarioRun, planScenarioRun, type ScenarioRunResult, scenarioHeadline } from '../services/scenario-runs.ts';
import type { ScenarioVersionEntry } from '../services/scenarios.ts';
import type { FundingResult } from '../simulation/funding-fold.ts';
import { CancelledError } from '../simulation/pool.ts';
import type { Summary } from '../simulation/summary.ts';
import { commandLine } from './arguments.ts';
import { progressBar } from './progress-bar.ts';

/**
 * `npm run scenario -- scenarios/NAME.json [--runs N] [--seed S] [--threads T] [--no-store]`: an
 * analyst's way to run a scenario without the API. Opens the service's database (embedded PGlite
 * in DATA_DIR, or DATABASE_URL when set; migrated, and given the demo cohort when it has never
 * held a young person, as `npm start` does), reads the cohort, runs the scenario against its
 * baseline with a progress bar on stderr, stores the run so the API can show it, and prints the
 * headline. Ctrl-C cancels and stores nothing. Do not point it at the data folder of a running
 * service: an embedded database has one user at a time.
 */

const USAGE = `npm run scenario -- scenarios/NAME.json [--runs N] [--seed S] [--threads T] [--no-store]

  Runs a scenario file against its baseline on the service's database (DATA_DIR's embedded
  database, or DATABASE_URL), stores the run and prints the headline.

  --runs N       Monte Carlo runs, 10 to 20,000 (default: the scenario's, else 2,000)
  --seed S       the random seed, a whole number (default: the scenario's, else a random one)
  --threads T    worker threads, 0 to 256 (results do not depend on them)
  --no-store     print the headline without storing the run
  -h, --help     this text
`;

const { values, positionals } = commandLine(
  {
    runs: { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    'no-store': { type: 'boolean', default: false },
  },
  USAGE,
);

const progress = progressBar();
const bar = (fraction: number, label: string) => progress.update(fraction, label);
const endBar = () => progress.end();

/** Stops the command with a message; thrown, so the database is closed on the way out. */
class CommandFailure extends Error {
  readonly details: string[];
  readonly code: number;
  constructor(message: string, details: string[], code: number) {
    super(message);
    this.details = details;
    this.code = code;
  }
}

function fail(message: string, details: string[] = [], code = 2): never {
  throw new CommandFailure(message, details, code);
}

function integerOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(`--${name} must be an integer from ${min} to ${max}, not ${raw}`);
  return value;
}

/** £1.2m, £350k, −£12k: a reader's precision. */
function money(pounds: number): string {
  const sign = pounds < 0 ? '−' : '';
  const x = Math.abs(pounds);
  if (x >= 9.995e5) return `${sign}£${(x / 1e6).toFixed(x >= 9.995e7 ? 0 : x >= 9.995e6 ? 1 : 2)}m`;
  if (x >= 999.5) return `${sign}£${(x / 1e3).toFixed(x >= 99_950 ? 0 : 1)}k`;
  return `${sign}£${x.toFixed(0)}`;
}
/** A number with a true minus sign, as money() writes it. */
const fixed = (x: number, digits: number) => x.toFixed(digits).replace(/^-/, '−');
const percent = (p: number) => `${fixed(p * 100, 0)}%`;
const withRange = (r: { mean: number; p10: number; p90: number }, f: (x: number) => string) => `${f(r.mean)} (${f(r.p10)} to ${f(r.p90)})`;

function printHeadline(entry: ScenarioVersionEntry, result: ScenarioRunResult, facts: { model: string; priceBase: string; cohortSize: number; cohortHash: string; seconds: number; threads: number; stored: string }) {
  const h = scenarioHeadline(result);
  const out: string[] = [];
  const spec = entry.spec;
  out.push(`${spec.name}`);
  out.push(`Scenario ${spec.id} ${spec.version} (strategy: ${spec.strategy.name}) against its baseline "as now", on model ${facts.model}.`);
  out.push(
    `Cohort: ${facts.cohortSize} young people on record (cohort hash ${facts.cohortHash.slice(0, 12)}…)${(spec.entrants ?? []).length ? `, plus new entrants drawn in each run from ${(spec.entrants ?? []).length} age band(s)` : ''}.`,
  );
  out.push(`${result.runs} runs, seed ${result.seed}, ${facts.seconds.toFixed(1)} s on ${facts.threads === 0 ? 'the main thread' : `${facts.threads} worker thread${facts.threads === 1 ? '' : 's'}`}. ${facts.stored}`);
  out.push('');
  out.push(`Spend by financial year (cash, ${facts.priceBase} prices; mean, with best case P10 to worst case P90)`);
  const rows = h.spendByYear.map((y) => [y.financialYear, withRange(y.baseline, money), withRange(y.strategy, money), withRange(y.saving, money)]);
  rows.push(['Total', withRange(h.planningTotal.baseline, money), withRange(h.planningTotal.strategy, money), withRange(h.planningTotal.saving, money)]);
  out.push(...table(['Year', 'Baseline', 'Strategy', 'Saving'], rows));
  out.push('');
  out.push(`Invest to save over ${result.lifetimeYears} years (discounted, ${facts.priceBase} prices)`);
  out.push(`  Net present value              ${withRange(h.netPresentValue, money)}`);
  out.push(`  Chance benefits exceed costs   ${percent(h.probabilityBenefitsExceedCosts)}`);
  out.push(`  Benefit-cost ratio             ${h.benefitCostRatio !== null ? `${fixed(h.benefitCostRatio, 2)} (PV benefits / PV costs)` : 'n/a (no costs)'}`);
  out.push(`  Return on investment           ${h.returnOnInvestment !== null ? percent(h.returnOnInvestment) : 'n/a'}`);
  out.push(`  Ratio of each run (spread)     ${h.benefitCostRatioSpread ? `P10 ${fixed(h.benefitCostRatioSpread.p10, 2)} to P90 ${fixed(h.benefitCostRatioSpread.p90, 2)}` : 'n/a'}`);
  out.push(`  Payback                        ${h.payback.medianYear ? `median ${h.payback.medianYear}` : `no median within ${result.lifetimeYears} years`}; never within the horizon in ${percent(h.payback.probabilityNever)} of runs`);
  out.push(`  Cashable savings               ${withRange(h.cashableBenefits, money)}`);
  out.push(`  Non-cashable savings           ${withRange(h.nonCashableBenefits, money)}`);
  out.push('');
  if (h.topSensitivity.length > 0) {
    out.push('What drives the NPV (tornado: rank correlation; mean NPV when the input is in its lowest / highest decile)');
    h.topSensitivity.forEach((s, k) => {
      out.push(`  ${k + 1}. ${s.label}: ${s.rankCorrelation >= 0 ? '+' : ''}${fixed(s.rankCorrelation, 2)}; ${money(s.npvWhenLow)} / ${money(s.npvWhenHigh)}`);
    });
    out.push('');
  }
  out.push('Children looked after at 31 March (mean, P10 to P90)');
  out.push(...table(['Year', 'Baseline', 'Strategy'], h.inCareByYear.map((y) => [y.financialYear, withRange(y.baseline, (x) => fixed(x, 0)), withRange(y.strategy, (x) => fixed(x, 0))])));
  if (result.funding) out.push('', ...fundingLines(result.funding, result.lifetimeYears));
  console.log(out.join('\n'));
}

/** The funding arrangement's figures (issue 16): mean, with P5 to P95, over the runs. */
function fundingLines(f: FundingResult, years: number): string[] {
  const wide = (s: Summary) => `${money(s.mean)} (P5 ${money(s.p5)} to P95 ${money(s.p95)})`;
  const out: string[] = [`Funding: who pays and who gains over ${years} years (present value; mean, P5 to P95)`];
  out.push(...table(['Organisation', 'PV costs', 'PV benefits', 'Net'], f.organisations.map((o) => [o.name, money(o.presentCosts.mean), money(o.presentBenefits.mean), wide(o.presentNet)])));
  for (const line of f.income) {
    const what = line.kind === 'grant' ? `grant${line.conditionMet === false ? ' (condition not met: nothing received)' : ''}` : `payment by results, £${line.ratePerOutcome} per care week avoided (${(line.basis ?? '').replace(/_/g, ' ')}); outcomes ${fixed(line.outcomes?.mean ?? 0, 0)} (P5 ${fixed(line.outcomes?.p5 ?? 0, 0)} to P95 ${fixed(line.outcomes?.p95 ?? 0, 0)})`;
    out.push(`  Income ${line.id} to ${line.name}, ${what}: received ${wide(line.received)}; PV ${wide(line.presentValue)}`);
  }
  if (f.income.length) {
    out.push(...table(['Organisation', 'PV income', 'Net after income'], f.organisations.map((o) => [o.name, money(o.presentIncome.mean), wide(o.presentNetAfterIncome)])));
    out.push(`  Net after income (invest-to-save NPV + PV of income): ${wide(f.netAfterIncome)}`);
  }
  if (f.reinvestment) {
    out.push(`  Reinvested (${percent(f.reinvestment.share)} of each year's net cashable saving, from the next year): ${wide(f.reinvestment.presentReinvested)}; retained ${wide(f.reinvestment.presentRetained)}`);
  }
  if (f.pooledBudget) {
    out.push(`  Pooled budget for ${f.pooledBudget.services.join(', ')}: overspend in year 1 in ${percent(f.pooledBudget.byYear[0].probabilityOverspend)} of runs`);
    out.push(...table(['Partner', 'Contribution', 'Risk share', 'Net'], [
      ...f.pooledBudget.partners.map((p) => [p.name, percent(p.contribution), percent(p.riskShare), wide(p.presentNet)]),
      ['Outside the pool', '', '', wide(f.pooledBudget.outside.presentNet)],
    ]));
  }
  for (const c of f.outcomesContracts) {
    out.push(`  Outcomes contract ${c.id} (${c.basis.replace(/_/g, ' ')}, £${c.pricePerOutcome} per care week avoided):`);
    out.push(`    care weeks avoided (as measured) ${fixed(c.outcomes.mean, 0)} (P5 ${fixed(c.outcomes.p5, 0)} to P95 ${fixed(c.outcomes.p95, 0)}); payments ${wide(c.payments)}`);
    out.push(`    commissioner net ${wide(c.commissionerPresentNet)}; investor net ${wide(c.investorPresentNet)}`);
    out.push(`    investor: funded ${money(c.investorFunded.mean)}, money multiple ${c.moneyMultiple === null ? 'n/a' : fixed(c.moneyMultiple, 2)}, IRR ${c.irr.summary ? `median ${percent(c.irr.summary.p50)} (P5 ${percent(c.irr.summary.p5)} to P95 ${percent(c.irr.summary.p95)})` : 'n/a'}, loses money in ${percent(c.probabilityInvestorLoses)} of runs`);
    out.push(`    price per outcome £${c.priceBounds.price} against delivery cost ${c.priceBounds.deliveryCostPerOutcome === null ? 'n/a' : money(c.priceBounds.deliveryCostPerOutcome)} and value to the payer ${c.priceBounds.valuePerOutcomeToPayer === null ? 'n/a' : money(c.priceBounds.valuePerOutcomeToPayer)}`);
  }
  return out;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `  ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ')}`;
  return [line(header), ...rows.map(line)];
}

async function main(): Promise<void> {
  const file = positionals[0];
  if (!file) fail(`give a scenario file: ${USAGE.split('\n')[0]}`);
  const runs = integerOption('runs', values.runs, 10, 20_000);
  const seed = integerOption('seed', values.seed, 0, Number.MAX_SAFE_INTEGER);
  const threads = integerOption('threads', values.threads, 0, 256);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`${file} cannot be read as JSON: ${(error as Error).message}`);
  }

  const config = loadConfig(threads === undefined ? {} : { workerThreads: threads });
  bar(0, 'opening the database');
  const app = await buildApp({ config, logger: false });
  await app.ready();
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    if (config.loadDemoData) {
      const loaded = await loadDemoCohortIfEmpty(app);
      if (loaded > 0) {
        endBar();
        console.error(`scenario: the database held no young people; loaded the ${loaded} of the demo borough (LOAD_DEMO_DATA=false to skip)`);
      }
    }
    const checked = validateScenario(input, modelNamedBy(input, (id, version) => app.catalog.get(id, version)?.model.spec));
    if (!checked.ok) fail(`${file} is not a valid scenario`, checked.errors.map((e) => `${e.field || '/'}: ${e.reason}`));
    const spec = checked.scenario;
    const resolved = path.resolve(file);
    const entry: ScenarioVersionEntry = {
      id: spec.id,
      version: spec.version,
      name: spec.name,
      origin: 'file',
      file: path.dirname(resolved) === config.scenariosDir ? path.basename(resolved) : path.relative(process.cwd(), resolved),
      hash: scenarioContentHash(spec),
      createdAt: null,
      spec,
    };
    const plan = planScenarioRun(app.catalog, entry, { runs, seed });

    // Stored only where the API would not be misled: never over other content under the same
    // id and version, never into an id the API owns.
    const stored = values['no-store'] ? [] : await findScenarioVersions(app.db, spec.id);
    let storeNote: string | null = values['no-store'] ? 'Not stored (--no-store).' : null;
    if (stored.some((row) => row.origin === 'api')) storeNote = `Not stored: the id ${spec.id} belongs to a scenario stored through the API.`;
    const same = stored.find((row) => row.version === spec.version);
    if (same && same.hash !== entry.hash) storeNote = `Not stored: ${spec.id} ${spec.version} was run before with other content; give the changed scenario a new version to store its runs.`;

    const runId = randomUUID();
    const started = performance.now();
    bar(0, 'building the cohort');
    const { row, result, cohortSize } = await executeScenarioRun(app.db, app.scenarioExecutor, plan, runId, {
      signal: controller.signal,
      onProgress: (completed, total) => bar(completed / total, `${completed} of ${total} runs`),
    });
    const seconds = (performance.now() - started) / 1000;
    endBar();
    if (storeNote === null) {
      await app.db.transaction().execute(async (trx) => {
        await persistScenarioRun(trx, plan, row);
        await appendAuditEvent(trx, { tokenId: null, name: 'npm run scenario', role: 'admin' }, {
          action: 'scenario.run',
          resourceType: 'scenario_run',
          resourceId: runId,
          detail: { scenarioId: spec.id, version: spec.version, runId, runs: plan.runs, seed: plan.seed, model: `${plan.model.id}@${plan.model.version}`, via: 'cli' },
        });
      });
      storeNote = `Stored as scenario run ${runId} (GET /v1/scenario-runs/${runId}).`;
    }
    printHeadline(entry, result, {
      model: `${plan.model.id} ${plan.model.version} (hash ${plan.model.hash.slice(0, 12)}…)`,
      priceBase: plan.model.priceBaseYear,
      cohortSize,
      cohortHash: row.cohort_hash,
      seconds,
      threads: config.workerThreads,
      stored: storeNote,
    });
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  endBar();
  const failure =
    error instanceof CommandFailure
      ? error
      : error instanceof CancelledError
        ? new CommandFailure('cancelled; nothing was stored', [], 130)
        : error instanceof DomainError
          ? new CommandFailure(error.message, (error.errors ?? []).map((e) => `${e.field}: ${e.reason}`), 2)
          : undefined;
  if (!failure) {
    console.error(error);
    process.exit(1);
  }
  console.error(`scenario: ${failure.message}`);
  for (const d of failure.details) console.error(`  ${d}`);
  process.exit(failure.code);
});
