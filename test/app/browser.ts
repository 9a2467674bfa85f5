import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';

/**
 * What the page's browser tests share: Debian's headless Chromium driven by playwright-core, the
 * app listening on a free port, screenshots in test-output/, and an axe-core accessibility check.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT = path.resolve(import.meta.dirname, '../../test-output');

interface TapLike {
  teardown(fn: () => unknown): void;
}

export async function openPage(t: TapLike, app: FastifyInstance, options: { downloads?: string; width?: number } = {}): Promise<{ page: Page; context: BrowserContext; base: string; problems: string[] }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) to run the browser test`);
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const profile = await mkdtemp(path.join(tmpdir(), 'pathcast-chromium-'));
  await mkdir(OUTPUT, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    acceptDownloads: true,
    ...(options.downloads ? { downloadsPath: options.downloads } : {}),
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  t.teardown(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { page, context, base, problems };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) on the page as it is now and returns the
 * serious and critical violations, each with the elements it found.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated over the DevTools protocol rather than page.addScriptTag({content}): the page's
  // content security policy (script-src 'self') rightly refuses inline scripts, and the test
  // keeps that policy on so it would see a violation by the page itself.
  if (!(await page.evaluate(`typeof window.axe !== 'undefined'`))) await page.evaluate(axeSource);
  return page.evaluate<AxeViolation[]>(`
    window.axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] })
      .then((result) => result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.html.slice(0, 160)) })))
  `);
}

/** Texts of every chart title, axis and bar label on the page, for the truncation check. */
export async function chartTexts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('.chart-title, #charts svg text, #charts svg tspan, #charts svg title, #charts figcaption')].map((n) => (n.textContent || '').trim())`);
}

/** The UK long date of an ISO instant, as the page should write it ("30 November 2026"). */
export function ukDate(iso: string | Date): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date(iso));
}

/**
 * Waits until an expression is true in the page. Not page.waitForFunction with a string: its
 * polling evaluates the string with eval in the page, which the page's content security policy
 * (no 'unsafe-eval') refuses; page.evaluate runs over the DevTools protocol instead.
 */
export async function until(page: Page, expression: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`still false after ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
