/**
 * Counters read from a server's `GET /metrics` (Prometheus text): draws journaled and awards
 * minted, read before and after a window to count what the server did in it.
 * @module
 */

/** The sum of a metric's samples whose labels contain every `labels` pair (all samples when none). */
export function sumMetric(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(match[3]);
  }
  return total;
}

export interface ServerCounts {
  /** Outcome records journaled (one a draw), by every game. */
  readonly draws: number;
  readonly awardsMinted: number;
}

export async function serverCounts(url: string): Promise<ServerCounts> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`GET ${url}/metrics answered ${res.status}`);
  const text = await res.text();
  return { draws: sumMetric(text, 'fairplay_draw_records_total', { type: 'outcome' }), awardsMinted: sumMetric(text, 'fairplay_awards_minted_total') };
}
