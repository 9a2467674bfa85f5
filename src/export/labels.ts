import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { PackRun } from './pack-input.ts';

/**
 * Names the report and its charts print for readers (issue 18): runs by scenario name and run
 * date rather than by id, dates in the UK style ("30 November 2026"), and the uncertain inputs
 * of the tornado in full words, each different from the others.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-11-30T09:00:00Z" → "30 November 2026" (the date in UTC); an unreadable date is returned as given. */
export function ukDate(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/**
 * A name for each run that a reader can tell apart without its id: the scenario's name; if two
 * runs share it, the run date is added ("…, run 24 November 2026"); if they share that too, their
 * order in the pack ("…, run 2 of 3 on 24 November 2026"). Returned in the runs' order.
 */
export function runNames(runs: readonly PackRun[]): string[] {
  const count = (values: string[], v: string) => values.filter((x) => x === v).length;
  const names = runs.map((run) => run.scenario.spec.name);
  const dated = runs.map((run, k) => (count(names, names[k]) > 1 ? `${names[k]}, run ${ukDate(run.createdAt)}` : names[k]));
  return dated.map((name, k) => {
    if (count(dated, name) === 1) return name;
    const same = dated.map((d, j) => (d === name ? j : -1)).filter((j) => j >= 0);
    return `${runs[k].scenario.spec.name}, run ${same.indexOf(k) + 1} of ${same.length} on ${ukDate(runs[k].createdAt)}`;
  });
}

function stateName(model: CostModelSpec, selector: string): string {
  if (selector.startsWith('@')) return selector.slice(1).replaceAll('_', ' ');
  return model.states.find((s) => s.id === selector)?.label ?? selector;
}

function stateList(model: CostModelSpec, selectors: readonly string[] | string | undefined): string {
  const list = (Array.isArray(selectors) ? selectors : selectors === undefined ? [] : [selectors]).map((s) => stateName(model, String(s)));
  if (list.length <= 3) return list.join(', ');
  return `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}

/**
 * The tornado's label for an uncertain input, from its stored parameter name and the model that
 * ran: an intervention's effect is named by the moves it changes ("Multisystemic therapy (MST):
 * effect on moves to looked after") where the stored label only numbered it ("…: effect 1").
 * Other inputs keep their stored label. Labels that would still coincide get the stored label's
 * number, so no two drivers read the same.
 */
export function driverLabels(model: CostModelSpec, drivers: ReadonlyArray<{ parameter: string; label: string }>): string[] {
  const labels = drivers.map((d) => {
    const effect = /^effect:(.+):(\d+)$/.exec(d.parameter);
    if (!effect) return d.label;
    const iv = model.interventions?.find((i) => i.id === effect[1]);
    const e = iv?.effects[Number(effect[2])] as { from?: string[] | string; to?: string[] | string } | undefined;
    if (!iv || !e) return d.label;
    return `${iv.label}: effect on moves to ${stateList(model, e.to)}`;
  });
  return labels.map((label, k) => {
    if (labels.filter((l) => l === label).length === 1) return label;
    const effect = /^effect:(.+):(\d+)$/.exec(drivers[k].parameter);
    const iv = effect ? model.interventions?.find((i) => i.id === effect[1]) : undefined;
    const e = effect && iv ? (iv.effects[Number(effect[2])] as { from?: string[] | string }) : undefined;
    return e?.from ? `${label} from ${stateList(model, e.from)} (effect ${Number(effect?.[2]) + 1})` : `${label} (${drivers[k].parameter})`;
  });
}

/**
 * Breaks a label into lines of at most `width` points as `measure` measures them, at spaces;
 * a single word longer than a line is kept whole on its own line (the caller shrinks the font
 * for it). Nothing is cut and no ellipsis is added.
 */
export function wrapLines(value: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of value.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next) > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}
