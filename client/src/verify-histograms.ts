/**
 * /verify's distributions, shown only for games they fit: the dice rolls in ten bins against the
 * uniform distribution they must follow (with a chi-square), and the raid's loot against the
 * published loot table's weights. A transcript with neither (a blackjack table, a raid with no
 * chest opened) shows no chart at all rather than an empty one.
 * @module
 */
import { ROLLS } from '../../games/dice/rules.ts';
import { LOOT_TABLE } from '../../games/raid/rules.ts';
import { plural, type LooseRecord } from './verify-words.ts';

const $ = (id: string) => document.getElementById(id)!;
const BINS = 10;
/** Chi-square with 9 degrees of freedom exceeded by chance 1% of the time. */
const CHI2_9_P01 = 21.67;

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

function diceRolls(records: readonly LooseRecord[]): number[] {
  return records.flatMap((r) => (r?.type === 'outcome' && typeof r.result?.['roll'] === 'number' && typeof r.result['win'] === 'boolean' ? [r.result['roll']] : []));
}

function lootFinds(records: readonly LooseRecord[]): string[] {
  return records.flatMap((r) => (r?.type === 'outcome' && typeof r.result?.['item'] === 'string' && typeof r.result['amount'] === 'number' ? [`${r.result['item']}/${r.result['amount']}`] : []));
}

/** Shows the charts that fit this transcript's records, hides the others (and the whole block when none fits). */
export function renderDistributions(records: readonly LooseRecord[]): void {
  const rolls = diceRolls(records);
  const finds = lootFinds(records);
  $('dice-distribution').hidden = rolls.length === 0;
  $('loot-distribution').hidden = finds.length === 0;
  $('distributions').hidden = rolls.length === 0 && finds.length === 0;
  if (rolls.length) {
    const counts = new Array<number>(BINS).fill(0);
    for (const roll of rolls) counts[Math.min(BINS - 1, Math.max(0, Math.floor((roll * BINS) / ROLLS)))]!++;
    const expected = rolls.length / BINS;
    const bins = counts.map((count, i) => ({ label: `${(i * ROLLS) / BINS}–${((i + 1) * ROLLS) / BINS - 1}`, count, expected }));
    bars($('histogram'), bins);
    $('chi').textContent = `${plural(rolls.length, 'roll')}; the dashed line is the ${expected.toFixed(1)} expected in each range. Chi-square ${chiSquare(bins).toFixed(2)} with ${BINS - 1} degrees of freedom: above ${CHI2_9_P01} happens by chance 1% of the time.${rolls.length < 5 * BINS ? ' With so few rolls, any shape is likely.' : ''}`;
  }
  if (finds.length) {
    const total = LOOT_TABLE.reduce((s, l) => s + l.weight, 0);
    const bins = LOOT_TABLE.map((l) => ({
      label: `${l.item === 'coins' ? plural(l.amount, 'coin') : l.item} (${l.rarity}, ${((l.weight / total) * 100).toFixed(0)}%)`,
      count: finds.filter((f) => f === `${l.item}/${l.amount}`).length,
      expected: (finds.length * l.weight) / total,
    }));
    bars($('loot-histogram'), bins);
    $('loot-note').textContent = `${plural(finds.length, 'chest')} opened; the dashed line is what the published loot table gives on average.${finds.length < 20 ? ' With so few chests, any shape is likely.' : ''}`;
  }
}
