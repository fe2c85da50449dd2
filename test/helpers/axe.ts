/**
 * axe-core in a Playwright page: injects `axe.min.js` from the npm package and runs it on the
 * page as it is, returning every violation with its impact, rule, help and the nodes it found,
 * so a failing test says what to fix.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SCRIPT = require.resolve('axe-core/axe.min.js');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly nodes: readonly { readonly target: string; readonly summary: string }[];
}

/** Runs axe on `page`; `exclude` holds selectors left out of the check (each must say why where it is passed). */
export async function runAxe(page: Page, exclude: readonly string[] = []): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async (excluded) => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
    }
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResult> } }).axe;
    const context = excluded.length ? { exclude: excluded.map((s) => [s]) } : document;
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ') })),
    }));
  }, [...exclude]);
}

/** The violations of impact serious or critical. */
export function serious(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Every violation, one block each, for the test's output. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string {
  if (violations.length === 0) return `axe ${where}: no violations`;
  return [
    `axe ${where}: ${violations.length} violation${violations.length === 1 ? '' : 's'}`,
    ...violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      ${n.target} :: ${n.summary}`).join('\n')}`),
  ].join('\n');
}
