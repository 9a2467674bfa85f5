import { answerNumberKind } from '../../src/finance/money.ts';

/** Walking answers for issue 12's rounding tests: decimals as printed, numbers beyond their kind's decimals. */

export const decimals = (x: number) => {
  const text = String(x);
  if (/e-/.test(text)) return Number(text.split('e-')[1]) + (text.split('e')[0].split('.')[1]?.length ?? 0);
  return text.includes('.') ? text.split('.')[1].length : 0;
};

export interface Offence {
  path: string;
  value: number;
  kind: string;
}

/** Every number in `answer` breaking its kind's decimals (money 2, ratio 6, count 4; echoed inputs exempt). */
export function offences(answer: unknown): Offence[] {
  const found: Offence[] = [];
  const visit = (value: unknown, path: string[], holder: Record<string, unknown> | unknown[]) => {
    if (typeof value === 'number') {
      const kind = answerNumberKind(path, holder);
      const limit = kind === 'money' ? 2 : kind === 'count' ? 4 : kind === 'ratio' ? 6 : 10;
      if (decimals(value) > limit) found.push({ path: `/${path.join('/')}`, value, kind });
      return;
    }
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, [...path, String(i)], value);
    }
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, [...path, k], value as Record<string, unknown>);
  };
  visit(answer, [], []);
  return found;
}

/** Counts the numbers walked, so a test cannot pass by walking nothing. */
export function numbersIn(answer: unknown): number {
  if (typeof answer === 'number') return 1;
  if (Array.isArray(answer)) return answer.reduce((n: number, v) => n + numbersIn(v), 0);
  if (answer !== null && typeof answer === 'object') return Object.values(answer).reduce((n: number, v) => n + numbersIn(v), 0);
  return 0;
}

