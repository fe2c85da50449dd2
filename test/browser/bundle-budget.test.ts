/**
 * The bundle budget (docs/performance.md, "Client bundle"): what each page loads before it can
 * be used — the entry script, the chunks it preloads and the stylesheet, as the built page names
 * them in dist/client (the system project's global setup builds it) — stays within its gzip
 * budget. The sizes are printed; a budget is raised only with the figure in docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLIENT_DIST } from '../../server/client-dist.ts';

/** Bytes after gzip -9 of what a page loads at start; see docs/performance.md for the figures behind them. */
const BUDGETS: Readonly<Record<string, number>> = { 'index.html': 240_000, 'verify.html': 60_000, 'economy.html': 35_000 };

/** The files a built page loads before its script runs: module scripts, modulepreloads, stylesheets. */
function startFiles(html: string): string[] {
  const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
  return tags
    .filter((t) => /type="module"/.test(t) || /rel="(modulepreload|stylesheet)"/.test(t))
    .map((t) => /(?:src|href)="\/?([^"]+)"/.exec(t)?.[1])
    .filter((f): f is string => f !== undefined);
}

describe('the bundle budget', () => {
  it.each(Object.keys(BUDGETS))('%s loads within its budget at start', (page) => {
    const files = startFiles(readFileSync(join(CLIENT_DIST, page), 'utf8'));
    expect(files.length).toBeGreaterThan(0);
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const bytes = readFileSync(join(CLIENT_DIST, f));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
      console.log(`${page}: ${f} ${bytes.length.toLocaleString('en')} bytes`);
    }
    console.log(`${page} at start: ${raw.toLocaleString('en')} bytes, ${gzip.toLocaleString('en')} gzip (budget ${BUDGETS[page]!.toLocaleString('en')} gzip)`);
    expect(gzip).toBeLessThanOrEqual(BUDGETS[page]!);
  });
});
