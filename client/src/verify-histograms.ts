/**
 * /verify's distributions, shown only where a game publishes one (its mapping's `tally`): each
 * kind of draw the transcript holds results of is counted into the tally's bins and drawn
 * against its expected share, with a chi-square. A transcript with no such results (a blackjack
 * table, a raid with no chest opened) shows no chart at all rather than an empty one.
 * @module
 */
import type { OutcomeTally } from '../../games/game-rules.ts';
import { mappingOf, plural, receiptsByDraw, type LooseRecord } from './verify-words.ts';

const $ = (id: string) => document.getElementById(id)!;
/** The 1% upper quantile of the standard normal, for the chi-square bound below. */
const Z_99 = 2.3263;

interface Bin {
  readonly label: string;
  readonly count: number;
  readonly expected: number;
}

/** Bars of `bins` into `target`: each count against the dashed line of what is expected. */
function bars(target: HTMLElement, bins: readonly Bin[]): void {
  const max = Math.max(1, ...bins.map((b) => Math.max(b.count, b.expected)));
  target.replaceChildren(
    ...bins.flatMap((b) => {
      const bar = Object.assign(document.createElement('div'), { className: 'bar' });
      bar.style.width = `${(b.count / max) * 100}%`;
      const line = Object.assign(document.createElement('div'), { className: 'expected', title: `expected ${b.expected.toFixed(1)}` });
      line.style.left = `${(b.expected / max) * 100}%`;
      const track = Object.assign(document.createElement('div'), { className: 'track' });
      track.append(bar, line);
      return [Object.assign(document.createElement('span'), { textContent: b.label }), track, Object.assign(document.createElement('span'), { textContent: String(b.count) })];
    }),
  );
}

const chiSquare = (bins: readonly Bin[]): number => bins.reduce((s, b) => s + (b.count - b.expected) ** 2 / (b.expected || 1), 0);

/**
 * The value a chi-square with `k` degrees of freedom exceeds by chance 1% of the time, by the
 * Wilson–Hilferty approximation k·(1 − 2/(9k) + z·√(2/(9k)))³ (21.70 for k = 9; the exact is 21.67).
 */
const chiSquare99 = (k: number): number => k * (1 - 2 / (9 * k) + Z_99 * Math.sqrt(2 / (9 * k))) ** 3;

/** One chart: the results counted into the tally's bins, against the shares its weights give. */
function chart(id: string, tally: OutcomeTally, binned: readonly number[]): HTMLElement {
  const total = tally.bins.reduce((s, b) => s + b.weight, 0);
  const counts = tally.bins.map(() => 0);
  for (const i of binned) counts[i]!++;
  const bins = tally.bins.map((b, i) => ({ label: `${b.label}, ${((b.weight / total) * 100).toFixed(0)}%`, count: counts[i]!, expected: (binned.length * b.weight) / total }));
  const block = Object.assign(document.createElement('div'), { id: `distribution-${id}`, className: 'distribution' });
  const histogram = Object.assign(document.createElement('div'), { className: 'histogram' });
  bars(histogram, bins);
  const k = bins.length - 1;
  const note = Object.assign(document.createElement('p'), {
    className: 'muted small note',
    textContent:
      `${plural(binned.length, tally.unit[0], tally.unit[1])}; the dashed line is what the published rules give on average. ` +
      `Chi-square ${chiSquare(bins).toFixed(2)} with ${k} degrees of freedom: above ${chiSquare99(k).toFixed(1)} happens by chance 1% of the time.` +
      (binned.length < 5 * bins.length ? ` With so few ${tally.unit[1]}, any shape is likely.` : ''),
  });
  block.append(Object.assign(document.createElement('h3'), { textContent: tally.title }), histogram, note);
  return block;
}

/** Shows a chart for each kind of draw with a published tally that this transcript has results of; none otherwise. */
export function renderDistributions(records: readonly LooseRecord[]): void {
  const receipts = receiptsByDraw(records);
  const found = new Map<string, { tally: OutcomeTally; binned: number[] }>();
  for (const r of records) {
    if (r?.type !== 'outcome' || typeof r.drawSeq !== 'number' || !r.result) continue;
    const receipt = receipts.get(r.drawSeq);
    const tally = mappingOf(receipt)?.tally;
    if (!tally) continue;
    const id = `${String(receipt!.game)}-${String(receipt!.kind)}`;
    let bin: number | undefined;
    try {
      bin = tally.binOf(r.result);
    } catch {
      bin = undefined;
    }
    if (bin === undefined || !Number.isInteger(bin) || bin < 0 || bin >= tally.bins.length) continue;
    const entry = found.get(id) ?? { tally, binned: [] };
    entry.binned.push(bin);
    found.set(id, entry);
  }
  $('distributions').replaceChildren(...[...found].map(([id, { tally, binned }]) => chart(id, tally, binned)));
  $('distributions').hidden = found.size === 0;
}
