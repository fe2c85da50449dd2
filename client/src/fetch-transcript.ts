/**
 * Fetches a room's whole transcript so far. A finished room's comes in one answer; a live room's
 * is served a page at a time (`from`, `total`, `next`; FAIRNESS.md section 4), so the pages are
 * followed to the end and their records put together under the first page's header.
 * @module
 */

type Page = { records?: unknown[]; next?: number | null } & Record<string, unknown>;

export async function fetchWholeTranscript(url: URL): Promise<unknown> {
  const first = await fetchPage(url);
  const records = Array.isArray(first.records) ? [...first.records] : [];
  for (let next = first.next; typeof next === 'number'; ) {
    const pageUrl = new URL(url);
    pageUrl.searchParams.set('from', String(next));
    const page = await fetchPage(pageUrl);
    if (!Array.isArray(page.records) || page.records.length === 0) break;
    records.push(...page.records);
    next = page.next;
  }
  const { from: _from, total: _total, next: _next, ...header } = first;
  return { ...header, records };
}

async function fetchPage(url: URL): Promise<Page> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as Page;
}
